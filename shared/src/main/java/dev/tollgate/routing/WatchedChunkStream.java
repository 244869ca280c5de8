package dev.tollgate.routing;

import dev.tollgate.config.Target;
import dev.tollgate.providers.ChunkStream;
import dev.tollgate.providers.Usage;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Wraps a provider stream: records the time to first token for latency-aware routing, and abandons the stream if
 * the upstream goes silent for longer than the idle timeout (closing it makes the blocked read fail, so the client
 * gets an error event instead of a hang).
 */
public final class WatchedChunkStream implements ChunkStream {

    /** One daemon thread for every stream's idle timer: a timer costs a queue entry, not a thread. */
    private static final class Timers {
        static final ScheduledExecutorService INSTANCE = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "tollgate-stream-idle");
            thread.setDaemon(true);
            return thread;
        });
    }

    private final ChunkStream delegate;
    private final Target target;
    private final TargetHealth health;
    private final Duration idleTimeout;
    private final Clock clock;
    private final Instant started;
    private volatile boolean idleExpired;
    private boolean firstSeen;

    public WatchedChunkStream(ChunkStream delegate, Target target, TargetHealth health, Duration idleTimeout,
                              Clock clock, Instant started) {
        this.delegate = delegate;
        this.target = target;
        this.health = health;
        this.idleTimeout = idleTimeout;
        this.clock = clock;
        this.started = started;
    }

    @Override
    public byte[] next() throws IOException {
        ScheduledFuture<?> timer = Timers.INSTANCE.schedule(() -> {
            idleExpired = true;
            delegate.close();
        }, idleTimeout.toMillis(), TimeUnit.MILLISECONDS);
        byte[] chunk;
        try {
            chunk = delegate.next();
        } catch (IOException | RuntimeException e) {
            if (idleExpired) {
                throw new StreamIdleException(idleTimeout, e);
            }
            throw e;
        } finally {
            timer.cancel(false);
        }
        if (idleExpired) {
            throw new StreamIdleException(idleTimeout, null);
        }
        if (chunk != null && !firstSeen) {
            firstSeen = true;
            health.recordLatency(target, Duration.between(started, clock.instant()));
        }
        return chunk;
    }

    @Override
    public Usage usage() {
        return delegate.usage();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
