package dev.tollgate.routing;

import dev.tollgate.config.Target;
import dev.tollgate.providers.ChunkStream;
import dev.tollgate.providers.Usage;
import dev.tollgate.secrets.CredentialRef;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The idle watchdog: a silent upstream is abandoned after the idle timeout, a steady one never is. */
class WatchedChunkStreamTest {

    private static final Target TARGET = new Target("openai", "m", URI.create("http://127.0.0.1:1/v1"),
            new CredentialRef.None(), Duration.ofSeconds(5), null);

    /** Chunks every {@code gapMillis}, {@code count} of them; then blocks until closed if {@code hangAtEnd}. */
    private static final class PacedStream implements ChunkStream {
        private final long gapMillis;
        private final int count;
        private final boolean hangAtEnd;
        private final CountDownLatch closed = new CountDownLatch(1);
        private int sent;

        PacedStream(long gapMillis, int count, boolean hangAtEnd) {
            this.gapMillis = gapMillis;
            this.count = count;
            this.hangAtEnd = hangAtEnd;
        }

        @Override
        public byte[] next() throws IOException {
            try {
                if (sent == count) {
                    if (hangAtEnd && !closed.await(10, TimeUnit.SECONDS)) {
                        throw new AssertionError("never closed");
                    }
                    if (hangAtEnd) {
                        throw new IOException("closed while reading");
                    }
                    return null;
                }
                if (closed.await(gapMillis, TimeUnit.MILLISECONDS)) {
                    throw new IOException("closed while reading");
                }
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            return ("chunk" + sent++).getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public Usage usage() {
            return Usage.NONE;
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }

    private static WatchedChunkStream watched(ChunkStream delegate, Duration idle) {
        Clock clock = Clock.systemUTC();
        return new WatchedChunkStream(delegate, TARGET,
                new TargetHealth(new InMemoryCooldownStore(), new LatencyTracker(), clock), idle, clock,
                Instant.now());
    }

    @Test
    void aSteadyStreamLongerThanTheIdleTimeoutIsNotAbandoned() throws IOException {
        // 12 chunks 40 ms apart: about 480 ms in all, each gap well inside the 150 ms timeout.
        try (WatchedChunkStream stream = watched(new PacedStream(40, 12, false), Duration.ofMillis(150))) {
            for (int i = 0; i < 12; i++) {
                assertArrayEquals(("chunk" + i).getBytes(StandardCharsets.US_ASCII), stream.next());
            }
            assertNull(stream.next());
        }
    }

    @Test
    void anUpstreamSilentForTheIdleTimeoutIsAbandonedWithAnIdleError() throws IOException {
        try (WatchedChunkStream stream = watched(new PacedStream(20, 3, true), Duration.ofMillis(150))) {
            for (int i = 0; i < 3; i++) {
                stream.next();
            }
            long start = System.nanoTime();
            assertThrows(StreamIdleException.class, stream::next);
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(waitedMillis >= 140 && waitedMillis < 5_000, "abandoned after " + waitedMillis + " ms");
        }
    }

    @Test
    void timeSpentBetweenReadsDoesNotCountAsSilence() throws Exception {
        // The client is slow (300 ms between reads, twice the timeout) while the upstream answers at once.
        try (WatchedChunkStream stream = watched(new PacedStream(1, 3, false), Duration.ofMillis(150))) {
            for (int i = 0; i < 3; i++) {
                stream.next();
                Thread.sleep(300);
            }
            assertNull(stream.next());
        }
    }
}
