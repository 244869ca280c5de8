package dev.tollgate.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The own HTTP/1.1 client against loopback servers that answer with exact bytes. */
class Http1ClientTest {

    private static final String SECRET = "sk-secret-value-0123456789";
    private final Http1Client client = new Http1Client();
    private final List<AutoCloseable> servers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        client.closeIdle();
        for (AutoCloseable server : servers) {
            server.close();
        }
    }

    private RawServer server(RawServer.Handler handler) throws IOException {
        RawServer server = new RawServer(handler);
        servers.add(server);
        return server;
    }

    private static UpstreamRequest post(RawServer server, String body) {
        return UpstreamRequest.post(URI.create(server.url("/v1/chat?x=1")), body.getBytes(StandardCharsets.UTF_8))
                .timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + SECRET)
                .header("Content-Type", "application/json").build();
    }

    private static RawServer.Handler answering(String response) {
        return (request, out, socket) -> {
            RawServer.write(out, response);
            return true;
        };
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String readAll(InputStream in) throws IOException {
        return text(in.readAllBytes());
    }

    @Test
    void writesTheRequestAsSpecifiedAndReadsAContentLengthAnswer() throws Exception {
        RawServer server = server(answering("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Two: a\r\n"
                + "x-two: b\r\nContent-Length: 11\r\n\r\n{\"ok\":true}"));
        UpstreamResponse<byte[]> response = client.send(post(server, "{\"q\":1}"));
        assertEquals(200, response.statusCode());
        assertEquals("{\"ok\":true}", text(response.body()));
        assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
        assertEquals(List.of("a", "b"), response.headers().allValues("X-TWO"));
        RawServer.Request seen = server.requests.getFirst();
        assertEquals("POST /v1/chat?x=1 HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nAuthorization: Bearer "
                + SECRET + "\r\nContent-Type: application/json\r\nUser-Agent: tollgate\r\nContent-Length: 7\r\n\r\n",
                seen.head());
        assertEquals("{\"q\":1}", text(seen.body()));
    }

    @Test
    void readsAChunkedAnswerIgnoringExtensionsAndDroppingTrailers() throws Exception {
        RawServer server = server(answering("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n1 ; x\r\n,\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"));
        assertEquals("hello, world", text(client.send(post(server, "{}")).body()));
        assertEquals("hello, world", readAll(client.stream(post(server, "{}")).body()));
        assertEquals(1, server.accepts.get(), "the connection was reused after the trailers");
    }

    @Test
    void readsABodyUntilTheServerClosesAndTheNextRequestGetsANewConnection() throws Exception {
        RawServer server = server((request, out, socket) -> {
            RawServer.write(out, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end");
            return false;
        });
        assertEquals("until the end", text(client.send(post(server, "{}")).body()));
        assertEquals("until the end", text(client.send(post(server, "{}")).body()));
        assertEquals(2, server.accepts.get());
    }

    @Test
    void skipsInterimAnswers() throws Exception {
        RawServer server = server(answering("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\n"
                + "Link: </a>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"));
        UpstreamResponse<byte[]> response = client.send(post(server, "{}"));
        assertEquals(201, response.statusCode());
        assertEquals("ok", text(response.body()));
        assertTrue(response.headers().firstValue("Link").isEmpty(), "interim headers are not the answer's");
    }

    @Test
    void answersWithoutBodyEndAtTheirHeaders() throws Exception {
        RawServer server = server(answering("HTTP/1.1 204 No Content\r\n\r\n"));
        assertEquals(0, client.send(post(server, "{}")).body().length);
        assertEquals(0, client.send(post(server, "{}")).body().length);
        assertEquals(1, server.accepts.get());
    }

    @Test
    void aKeepAliveConnectionIsReusedWholeAndStreamed() throws Exception {
        RawServer server = server(answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        for (int i = 0; i < 3; i++) {
            assertEquals("ok", text(client.send(post(server, "{}")).body()));
            assertEquals("ok", readAll(client.stream(post(server, "{}")).body()));
        }
        assertEquals(1, server.accepts.get());
    }

    @Test
    void aConnectionIsNotReusedAfterConnectionClose() throws Exception {
        RawServer server = server(answering("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"));
        client.send(post(server, "{}"));
        client.send(post(server, "{}"));
        assertEquals(2, server.accepts.get());
    }

    @Test
    void aStreamClosedBeforeItsEndDoesNotReturnItsConnection() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        RawServer server = server((request, out, socket) -> {
            if (request.body().length == 1) {
                RawServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234");
                await(closed);
                RawServer.write(out, "56789");
            } else {
                RawServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            }
            return true;
        });
        try (InputStream body = client.stream(post(server, "1")).body()) {
            assertEquals('0', body.read());
        }
        closed.countDown();
        assertEquals("ok", text(client.send(post(server, "{}")).body()));
        assertEquals(2, server.accepts.get());
    }

    @Test
    void aStreamClosedAfterItsLastEventKeepsItsConnectionWhenTheEndIsAlreadyBuffered() throws Exception {
        RawServer server = server(answering("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                + "Transfer-Encoding: chunked\r\n\r\ne\r\ndata: [DONE]\n\n\r\n0\r\n\r\n"));
        for (int i = 0; i < 3; i++) {
            InputStream body = client.stream(post(server, "{}")).body();
            Thread.sleep(50); // the whole answer has arrived
            assertEquals("data: [DONE]\n\n", text(body.readNBytes(14)));
            body.close(); // as a stream reader does at [DONE], before the last chunk
        }
        assertEquals(1, server.accepts.get());
    }

    @Test
    void aConnectionTheServerClosedWhileIdleIsNotReused() throws Exception {
        RawServer server = server((request, out, socket) -> {
            RawServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            return false; // closes after the answer, without saying so
        });
        assertEquals("ok", text(client.send(post(server, "{}")).body()));
        server.awaitClosed(1);
        assertEquals("ok", text(client.send(post(server, "{}")).body()), "no error for the next request");
        assertEquals(2, server.accepts.get());
        assertEquals(2, server.requests.size(), "each request sent once");
    }

    @Test
    void aTruncatedChunkedBodyFails() throws Exception {
        for (String cut : List.of("5\r\nhel", "5\r\nhello\r\n", "5\r\nhello\r\n0\r\n")) {
            RawServer server = server((request, out, socket) -> {
                RawServer.write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + cut);
                return false;
            });
            assertThrows(IOException.class, () -> client.send(post(server, "{}")), cut);
            InputStream body = client.stream(post(server, "{}")).body();
            assertThrows(IOException.class, () -> body.readAllBytes(), cut);
        }
    }

    @Test
    void aBodyShorterThanItsContentLengthFails() throws Exception {
        RawServer server = server((request, out, socket) -> {
            RawServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234");
            return false;
        });
        assertThrows(IOException.class, () -> client.send(post(server, "{}")));
        InputStream body = client.stream(post(server, "{}")).body();
        assertThrows(IOException.class, () -> body.readAllBytes());
    }

    @Test
    void aSilentServerTimesOutWhenSendingAndBeforeStreamHeaders() throws Exception {
        RawServer silent = server((request, out, socket) -> {
            sleep(3000);
            return false;
        });
        UpstreamRequest request = UpstreamRequest.post(URI.create(silent.url("/")), new byte[1])
                .timeout(Duration.ofMillis(300)).build();
        long start = System.nanoTime();
        assertThrows(HttpTimeoutException.class, () -> client.send(request));
        assertThrows(HttpTimeoutException.class, () -> client.stream(request));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < 2000, "timed out after " + ms + " ms");
    }

    @Test
    void theSendDeadlineCoversTheBody() throws Exception {
        RawServer slowBody = server((request, out, socket) -> {
            RawServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab");
            sleep(3000);
            return false;
        });
        UpstreamRequest request = UpstreamRequest.post(URI.create(slowBody.url("/")), new byte[1])
                .timeout(Duration.ofMillis(300)).build();
        assertThrows(HttpTimeoutException.class, () -> client.send(request));
    }

    @Test
    void theDeadlineCoversWritingALargeBodyToAServerThatDoesNotRead() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        ServerSocket stalled = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        servers.add(stalled);
        Thread.ofPlatform().daemon().start(() -> {
            try (var socket = stalled.accept()) {
                await(done); // accepts, never reads
            } catch (IOException e) {
                // closed by the test
            }
        });
        UpstreamRequest request = UpstreamRequest.post(URI.create("http://127.0.0.1:" + stalled.getLocalPort() + "/"),
                new byte[32 * 1024 * 1024]).timeout(Duration.ofMillis(500)).build();
        long start = System.nanoTime();
        assertThrows(HttpTimeoutException.class, () -> client.send(request));
        done.countDown();
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < 3000, "timed out after " + ms + " ms");
    }

    @Test
    void aStreamBodyHasNoReadTimeoutOfItsOwn() throws Exception {
        RawServer slowBody = server((request, out, socket) -> {
            RawServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab");
            sleep(600);
            RawServer.write(out, "cd");
            return true;
        });
        UpstreamRequest request = UpstreamRequest.post(URI.create(slowBody.url("/")), new byte[1])
                .timeout(Duration.ofMillis(300)).build();
        assertEquals("abcd", readAll(client.stream(request).body()));
    }

    @Test
    void closingAStreamFromAnotherThreadEndsABlockedRead() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        RawServer server = server((request, out, socket) -> {
            RawServer.write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
            await(release);
            return false;
        });
        InputStream body = client.stream(post(server, "{}")).body();
        assertEquals("abc", text(body.readNBytes(3)));
        assertCloseFromAnotherThreadEndsABlockedRead(body);
        release.countDown();
    }

    @Test
    void servesSixteenPlatformThreadsAtOnce() throws Exception {
        sixteenThreadsAtOnce(Executors.newFixedThreadPool(16));
    }

    @Test
    void servesSixteenVirtualThreadsAtOnce() throws Exception {
        sixteenThreadsAtOnce(Executors.newVirtualThreadPerTaskExecutor());
    }

    private void sixteenThreadsAtOnce(ExecutorService threads) throws Exception {
        RawServer server = server((request, out, socket) -> {
            byte[] body = request.body();
            RawServer.write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(body.length) + "\r\n" + text(body) + "\r\n0\r\n\r\n");
            return true;
        });
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int id = t;
                results.add(threads.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        String sent = "{\"thread\":" + id + ",\"i\":" + i + "}";
                        String got = i % 2 == 0 ? text(client.send(post(server, sent)).body())
                                : readAll(client.stream(post(server, sent)).body());
                        assertEquals(sent, got);
                    }
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get(30, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(800, server.requests.size());
        assertTrue(server.accepts.get() <= 16 + 16, "connections were pooled: " + server.accepts.get());
    }

    @Test
    void anIdleConnectionOlderThanTheIdleLimitIsNotReused() throws Exception {
        Http1Client shortIdle = new Http1Client(() -> {
            throw new AssertionError("no TLS here");
        }, 16, Duration.ofMillis(100));
        RawServer server = server(answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        try {
            shortIdle.send(post(server, "{}"));
            shortIdle.send(post(server, "{}"));
            assertEquals(1, server.accepts.get(), "reused within the limit");
            sleep(300);
            shortIdle.send(post(server, "{}"));
            assertEquals(2, server.accepts.get(), "past the limit: a new connection");
        } finally {
            shortIdle.closeIdle();
        }
    }

    @Test
    void atMostTheIdleLimitPerOriginIsKept() throws Exception {
        Http1Client keepsOne = new Http1Client(() -> {
            throw new AssertionError("no TLS here");
        }, 1, Duration.ofSeconds(30));
        RawServer server = server(answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        try {
            for (int round = 1; round <= 2; round++) {
                // Two answers open at once need two connections; given back, only one of them is kept.
                InputStream first = keepsOne.stream(post(server, "{}")).body();
                InputStream second = keepsOne.stream(post(server, "{}")).body();
                assertEquals("ok", readAll(first));
                assertEquals("ok", readAll(second));
            }
            assertEquals(3, server.accepts.get(), "round 2 reused the one kept and opened one more");
        } finally {
            keepsOne.closeIdle();
        }
    }

    @Test
    void framingAndConnectionHeadersAreTheClientsOwnInAnyCase() {
        for (String name : new String[] {"Content-Length", "CONNECTION", "transfer-Encoding", "Host", "TE"}) {
            UpstreamRequest request = UpstreamRequest.post(URI.create("http://127.0.0.1:9/"), new byte[0])
                    .header(name, "1").build();
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> client.send(request), name);
            assertEquals("restricted header: " + name, refused.getMessage());
        }
    }

    @Test
    void headerValuesNeverAppearInExceptionMessages() throws Exception {
        UpstreamRequest injected = UpstreamRequest.post(URI.create("http://127.0.0.1:9/"), new byte[0])
                .header("x-api-key", SECRET + "\r\nX-Evil: 1").build();
        IllegalArgumentException invalid = assertThrows(IllegalArgumentException.class, () -> client.send(injected));
        assertFalse(String.valueOf(invalid.getMessage()).contains(SECRET));
        assertFalse(injected.toString().contains(SECRET));

        RawServer garbage = server(answering("HTTP/1.1 2xx what\r\n\r\n"));
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        for (String url : List.of(garbage.url("/"), "http://127.0.0.1:" + closedPort + "/")) {
            UpstreamRequest request = UpstreamRequest.post(URI.create(url), new byte[0])
                    .header("Authorization", "Bearer " + SECRET).timeout(Duration.ofSeconds(2)).build();
            IOException failed = assertThrows(IOException.class, () -> client.send(request));
            assertFalse(messages(failed).contains(SECRET), messages(failed));
        }
    }

    @Test
    void aLargerAnswerThanTheCapIsRefused() throws Exception {
        RawServer server = server(answering("HTTP/1.1 200 OK\r\nContent-Length: " + (Http1Client.MAX_BODY + 1)
                + "\r\n\r\n"));
        IOException refused = assertThrows(IOException.class, () -> client.send(post(server, "{}")));
        assertTrue(refused.getMessage().contains("larger than"), "refused by its announced length, not timed out: "
                + refused);
    }

    @Test
    void aBigBodyArrivesWhole() throws Exception {
        byte[] big = new byte[300_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) ('a' + i % 26);
        }
        RawServer server = server((request, out, socket) -> {
            RawServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + big.length + "\r\n\r\n");
            out.write(big);
            return true;
        });
        assertArrayEquals(big, client.send(post(server, text(big))).body());
        ByteArrayOutputStream streamed = new ByteArrayOutputStream();
        client.stream(post(server, "{}")).body().transferTo(streamed);
        assertArrayEquals(big, streamed.toByteArray());
        assertArrayEquals(big, server.requests.getFirst().body());
        assertEquals(1, server.accepts.get());
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        return all.toString();
    }

    /** Closes the body from another thread 200 ms from now, while this thread is blocked reading it. */
    static void assertCloseFromAnotherThreadEndsABlockedRead(InputStream body) throws InterruptedException {
        Thread closer = Thread.ofPlatform().start(() -> {
            sleep(200);
            try {
                body.close();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        long start = System.nanoTime();
        assertThrows(IOException.class, body::read);
        assertTrue((System.nanoTime() - start) / 1_000_000 < 2000, "the read ended on close");
        closer.join();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
