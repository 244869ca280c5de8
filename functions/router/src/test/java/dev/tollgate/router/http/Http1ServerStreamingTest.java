package dev.tollgate.router.http;

import dev.tollgate.core.GatewayResponse;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Streamed answers: chunk framing at the flush points, and a client that leaves mid-stream. */
class Http1ServerStreamingTest extends ServerTest {

    private static final String HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n";

    private static GatewayResponse stream(GatewayResponse.StreamBody body) {
        return new GatewayResponse.Streamed(200, Map.of("Content-Type", "text/event-stream"), body);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void eachFlushReachesTheClientAtOnceAsOneChunkAndTheBodyEndsWithTheZeroChunk() throws Exception {
        CountDownLatch firstSeen = new CountDownLatch(1);
        TestHandler handler = new TestHandler(r -> stream(out -> {
            out.write(ascii("data: a\n\n"));
            out.write(ascii("data: b\n\n"));
            out.flush();
            try {
                // The rest is written only once the client has read the first flush: nothing may wait in a buffer.
                assertTrue(firstSeen.await(5, TimeUnit.SECONDS), "the first chunk never reached the client");
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            out.write(ascii("data: [DONE]\n\n"));
            out.flush();
        }));
        try (RawClient client = new RawClient(start(handler))) {
            client.send("POST /v1/chat/completions HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
            assertEquals(HEAD, client.readHead());
            assertEquals("12\r\ndata: a\n\ndata: b\n\n\r\n", client.readBytes(24));
            firstSeen.countDown();
            assertEquals("e\r\ndata: [DONE]\n\n\r\n0\r\n\r\n", client.readBytes(24));
            client.send("GET /next HTTP/1.1\r\n\r\n");
            assertTrue(client.readHead().startsWith(HEAD.substring(0, 17)), "the connection is reusable afterwards");
        }
    }

    @Test
    void aLongWriteIsSplitIntoChunksAndCloseByTheBodyEndsItOnce() throws IOException {
        byte[] big = "z".repeat(20_000).getBytes(StandardCharsets.US_ASCII);
        TestHandler handler = new TestHandler(r -> stream(out -> {
            out.write(big);
            out.close();
        }));
        try (RawClient client = new RawClient(start(handler))) {
            client.send("GET /big HTTP/1.1\r\nConnection: close\r\n\r\n");
            String all = client.readToEnd();
            String body = all.substring(all.indexOf("\r\n\r\n") + 4);
            assertEquals("4000\r\n" + "z".repeat(16384) + "\r\n" + "e20\r\n" + "z".repeat(3616) + "\r\n"
                    + "0\r\n\r\n", body, "16 KiB chunks, then the rest, then the end");
        }
    }

    @Test
    void aStreamToAnHttp10ClientIsRawAndEndsWithTheConnection() throws IOException {
        TestHandler handler = new TestHandler(r -> stream(out -> {
            out.write(ascii("data: x\n\n"));
            out.flush();
        }));
        try (RawClient client = new RawClient(start(handler))) {
            client.send("GET /s HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\ndata: x\n\n",
                    client.readToEnd());
        }
    }

    @Test
    void aClientLeavingMidStreamEndsTheHandlerWithAnIOExceptionAndItsThread() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Thread> thread = new AtomicReference<>();
        CountDownLatch bodyClosed = new CountDownLatch(1);
        TestHandler handler = new TestHandler(r -> stream(out -> {
            thread.set(Thread.currentThread());
            try {
                for (int i = 0; i < 100_000; i++) {
                    out.write(ascii("data: " + i + "\n\n"));
                    out.flush();
                    Thread.sleep(1);
                }
            } catch (IOException | RuntimeException e) {
                failure.set(e);
                throw e;
            } catch (InterruptedException e) {
                throw new IOException(e);
            } finally {
                bodyClosed.countDown(); // where the gateway's pump closes the upstream
            }
        }));
        try (RawClient client = new RawClient(start(handler))) {
            client.send("POST /v1/chat/completions HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
            client.readHead();
            client.readBytes(20);
            client.socket.setSoLinger(true, 0); // leave abruptly, as a killed client does
        }
        assertTrue(bodyClosed.await(5, TimeUnit.SECONDS), "the stream body ended");
        assertInstanceOf(IOException.class, failure.get(), "the write failed with an IOException");
        thread.get().join(5000);
        assertFalse(thread.get().isAlive(), "the connection thread ended");
        assertTrue(thread.get().getName().startsWith("tollgate-conn-"), thread.get().getName());
    }

    @Test
    void aClientThatStopsReadingIsClosedAfterTheWriteTimeoutAndItsThreadEnds() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Thread> thread = new AtomicReference<>();
        CountDownLatch bodyEnded = new CountDownLatch(1);
        byte[] event = ascii("data: " + "x".repeat(8_000) + "\n\n");
        TestHandler handler = new TestHandler(r -> stream(out -> {
            thread.set(Thread.currentThread());
            try {
                // Far more than socket buffers hold: with the client not reading, a write blocks.
                for (int i = 0; i < 1_000_000; i++) {
                    out.write(event);
                    out.flush();
                }
            } catch (IOException | RuntimeException e) {
                failure.set(e);
                throw e;
            } finally {
                bodyEnded.countDown();
            }
        }));
        try (RawClient client = new RawClient(start(handler, TEST_LIMITS.withWriteTimeout(Duration.ofMillis(300))))) {
            client.send("POST /v1/chat/completions HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
            client.readHead(); // and then reads nothing more, staying connected
            assertTrue(bodyEnded.await(10, TimeUnit.SECONDS), "the blocked write was ended");
            assertInstanceOf(IOException.class, failure.get(), "the write failed with an IOException");
            thread.get().join(5000);
            assertFalse(thread.get().isAlive(), "the connection thread ended while the client was still there");
        }
    }

    @Test
    void aSlowButReadingClientIsNotCutOffByTheWriteTimeout() throws Exception {
        TestHandler handler = new TestHandler(r -> stream(out -> {
            for (int i = 0; i < 5; i++) {
                out.write(ascii("data: " + i + "\n\n"));
                out.flush();
                try {
                    Thread.sleep(150); // the whole stream outlasts the timeout; no single write does
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
        }));
        try (RawClient client = new RawClient(start(handler, TEST_LIMITS.withWriteTimeout(Duration.ofMillis(200))))) {
            client.send("GET /s HTTP/1.1\r\nConnection: close\r\n\r\n");
            String all = client.readToEnd();
            assertTrue(all.endsWith("data: 4\n\n\r\n0\r\n\r\n"), all);
        }
    }
}
