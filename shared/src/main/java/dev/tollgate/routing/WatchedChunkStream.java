package dev.tollgate.routing;

import dev.tollgate.core.DaemonTimer;

import dev.tollgate.config.Target;
import dev.tollgate.providers.ChunkStream;
import dev.tollgate.providers.Usage;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Wraps a provider stream: records the time to first token for latency-aware routing, and abandons the stream if
 * the upstream goes silent for longer than the idle timeout (closing it makes the blocked read fail, so the client
 * gets an error event instead of a hang).
 *
 * <p>One watchdog per stream, not a timer per chunk: {@link #next()} only notes when it started waiting; the watchdog
 * wakes once per idle timeout, closes the stream if that wait is older than the timeout, and otherwise sleeps until
 * the wait would expire. (A timer per chunk, cancelled after it, cost a timer-queue operation per chunk and, as
 * cancelled timers stayed queued until their deadline, kept every stream's buffers reachable for the whole timeout.)
 */
public final class WatchedChunkStream implements ChunkStream {

    private final ChunkStream delegate;
    private final Target target;
    private final TargetHealth health;
    private final long idleNanos;
    private final Duration idleTimeout;
    private final Clock clock;
    private final Instant started;
    /** {@link System#nanoTime()} when the pending {@link #next()} began waiting; {@link #NOT_WAITING} between calls. */
    private volatile long waitingSince = NOT_WAITING;
    private static final long NOT_WAITING = Long.MIN_VALUE;
    private final AtomicBoolean armed = new AtomicBoolean();
    private volatile ScheduledFuture<?> watchdog;
    private volatile boolean idleExpired;
    private volatile boolean closed;
    private boolean firstSeen;

    public WatchedChunkStream(ChunkStream delegate, Target target, TargetHealth health, Duration idleTimeout,
                              Clock clock, Instant started) {
        this.delegate = delegate;
        this.target = target;
        this.health = health;
        this.idleTimeout = idleTimeout;
        this.idleNanos = idleTimeout.toNanos();
        this.clock = clock;
        this.started = started;
    }

    @Override
    public byte[] next() throws IOException {
        waitingSince = System.nanoTime();
        if (armed.compareAndSet(false, true)) {
            watchIn(idleNanos);
        }
        byte[] chunk;
        try {
            chunk = delegate.next();
        } catch (IOException | RuntimeException e) {
            if (idleExpired) {
                throw new StreamIdleException(idleTimeout, e);
            }
            throw e;
        } finally {
            waitingSince = NOT_WAITING;
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

    /** On the timer thread: abandon the stream if the current wait is too old, else sleep until it would be. */
    private void check() {
        if (closed) {
            return;
        }
        long since = waitingSince;
        if (since == NOT_WAITING) {
            // Not waiting (the client is being written to): disarm; the next wait arms again. The second look closes
            // the race with a next() that began between the read above and the disarm.
            armed.set(false);
            if (waitingSince != NOT_WAITING && armed.compareAndSet(false, true)) {
                watchIn(idleNanos);
            }
            return;
        }
        long waited = System.nanoTime() - since;
        if (waited >= idleNanos) {
            idleExpired = true;
            delegate.close();
            return;
        }
        watchIn(idleNanos - waited);
    }

    private void watchIn(long nanos) {
        ScheduledFuture<?> next = DaemonTimer.get().schedule(this::check, nanos, TimeUnit.NANOSECONDS);
        watchdog = next;
        if (closed) {
            next.cancel(false); // closed meanwhile: do not keep the stream queued until the deadline
        }
    }

    @Override
    public boolean hasBufferedChunk() {
        return delegate.hasBufferedChunk();
    }

    @Override
    public Usage usage() {
        return delegate.usage();
    }

    @Override
    public void close() {
        closed = true;
        ScheduledFuture<?> pending = watchdog;
        if (pending != null) {
            pending.cancel(false);
        }
        delegate.close();
    }
}
