package dev.tollgate.router.http;

import java.time.Duration;

/**
 * What one {@link Http1Server} allows.
 *
 * @param maxBodyBytes   larger request bodies are refused with {@link HttpHandler#bodyTooLarge} and not read
 * @param maxConnections connections served at once; beyond it the accept loop waits (the kernel's backlog queues)
 * @param idleTimeout    how long a kept-alive connection may wait for its next request
 * @param headTimeout    how long a request line and headers may take to arrive, once their first byte has
 * @param readTimeout    how long a read of the body may wait for its next bytes
 * @param writeTimeout   how long one write of the answer may stay blocked (a client that stopped reading while
 *                       the socket's buffers are full) before the connection is closed; zero: no limit
 */
public record Limits(int maxBodyBytes, int maxConnections, Duration idleTimeout, Duration headTimeout,
                     Duration readTimeout, Duration writeTimeout) {

    /**
     * 60 s idle: longer than a client pool's usual reuse gap, short enough that idle connections do not pile up
     * (the JDK server used 30 s). 30 s for a head, a read or a write: a slow client, not a silent one.
     */
    public static Limits defaults(int maxBodyBytes) {
        return new Limits(maxBodyBytes, 1024, Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(30),
                Duration.ofSeconds(30));
    }

    public Limits withIdleTimeout(Duration idle) {
        return new Limits(maxBodyBytes, maxConnections, idle, headTimeout, readTimeout, writeTimeout);
    }

    public Limits withMaxConnections(int max) {
        return new Limits(maxBodyBytes, max, idleTimeout, headTimeout, readTimeout, writeTimeout);
    }

    public Limits withWriteTimeout(Duration write) {
        return new Limits(maxBodyBytes, maxConnections, idleTimeout, headTimeout, readTimeout, write);
    }
}
