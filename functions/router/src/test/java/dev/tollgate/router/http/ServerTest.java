package dev.tollgate.router.http;

import org.junit.jupiter.api.AfterEach;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/** Each test's own server on an ephemeral loopback port, closed after the test. */
abstract class ServerTest {

    /** A 1 KiB body limit, 64 connections, 10 s for every timeout. */
    static final Limits TEST_LIMITS = new Limits(1024, 64, Duration.ofSeconds(10), Duration.ofSeconds(10),
            Duration.ofSeconds(10), Duration.ofSeconds(10));

    Http1Server server;

    int start(HttpHandler handler, Limits limits) throws IOException {
        server = new Http1Server(new InetSocketAddress("127.0.0.1", 0), handler, limits).start();
        return server.port();
    }

    int start(HttpHandler handler) throws IOException {
        return start(handler, TEST_LIMITS);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }
}
