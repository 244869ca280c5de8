package dev.tollgate.router.http;

import dev.tollgate.core.GatewayResponse;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keep-alive, closing in both directions, timeouts, the connection cap, and closing the server. */
class Http1ServerConnectionTest extends ServerTest {

    @Test
    void port0BindsAnEphemeralPortThatPortReports() throws IOException {
        int port = start(TestHandler.echo(), TEST_LIMITS);
        assertTrue(port > 0);
        try (RawClient client = new RawClient(port)) {
            client.send("GET /health HTTP/1.1\r\n\r\n");
            assertTrue(client.readResponse().startsWith("HTTP/1.1 200 OK\r\n"));
        }
    }

    @Test
    void http11KeepsTheConnectionForASecondRequest() throws IOException {
        TestHandler handler = new TestHandler(r -> TestHandler.text(200, r.rawPath()));
        try (RawClient client = new RawClient(start(handler, TEST_LIMITS))) {
            client.send("GET /one HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\n/one",
                    client.readResponse());
            client.send("GET /two HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\n/two",
                    client.readResponse());
        }
    }

    @Test
    void aPipelinedSecondRequestInTheSamePacketIsServedInOrder() throws IOException {
        TestHandler handler = new TestHandler(r -> TestHandler.text(200, r.rawPath()));
        try (RawClient client = new RawClient(start(handler, TEST_LIMITS))) {
            client.send("GET /first HTTP/1.1\r\n\r\nGET /second HTTP/1.1\r\n\r\n");
            assertTrue(client.readResponse().endsWith("\r\n\r\n/first"));
            assertTrue(client.readResponse().endsWith("\r\n\r\n/second"));
        }
    }

    @Test
    void connectionCloseFromTheClientIsHonouredAndEchoed() throws IOException {
        try (RawClient client = new RawClient(start(TestHandler.echo(), TEST_LIMITS))) {
            client.send("GET /x HTTP/1.1\r\nConnection: Close\r\n\r\n");
            assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n"
                    + "Connection: close\r\n\r\n",
                    client.readResponse());
            assertTrue(client.closedByServer());
        }
    }

    @Test
    void aConnectionHeaderFromTheHandlerIsNotPassedOnTheServerDecides() throws IOException {
        TestHandler handler = new TestHandler(r -> new GatewayResponse.Buffered(200,
                Map.of("Connection", "close", "Content-Length", "99"), new byte[0]));
        try (RawClient client = new RawClient(start(handler, TEST_LIMITS))) {
            client.send("GET /x HTTP/1.1\r\n\r\n");
            assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", client.readResponse());
            client.send("GET /y HTTP/1.1\r\n\r\n");
            assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", client.readResponse());
        }
    }

    @Test
    void http10ClosesAfterTheAnswerUnlessAskedToKeepAlive() throws IOException {
        int port = start(TestHandler.echo(), TEST_LIMITS);
        try (RawClient client = new RawClient(port)) {
            client.send("POST /x HTTP/1.0\r\nContent-Length: 2\r\n\r\nhi");
            assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
                    + "Connection: close\r\n\r\nhi",
                    client.readResponse());
            assertTrue(client.closedByServer());
        }
        try (RawClient client = new RawClient(port)) {
            client.send("GET /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n"
                    + "Connection: keep-alive\r\n\r\n", client.readResponse());
            client.send("GET /y HTTP/1.0\r\n\r\n");
            assertTrue(client.readResponse().contains("\r\nConnection: close\r\n"));
            assertTrue(client.closedByServer());
        }
    }

    @Test
    void headGetsTheHeadersWithoutTheBody() throws IOException {
        TestHandler handler = new TestHandler(r -> TestHandler.text(200, "hello"));
        try (RawClient client = new RawClient(start(handler, TEST_LIMITS))) {
            client.send("HEAD /x HTTP/1.1\r\n\r\n");
            assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n", client.readHead());
            client.send("GET /x HTTP/1.1\r\n\r\n");
            assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello",
                    client.readResponse(), "no body bytes were left on the wire after the HEAD answer");
        }
    }

    @Test
    void a204CarriesNoContentLengthAndAnEmpty200CarriesContentLength0() throws IOException {
        TestHandler handler = new TestHandler(r -> new GatewayResponse.Buffered(
                r.rawPath().equals("/none") ? 204 : 200, Map.of(), new byte[0]));
        try (RawClient client = new RawClient(start(handler, TEST_LIMITS))) {
            client.send("POST /none HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
            assertEquals("HTTP/1.1 204 No Content\r\n\r\n", client.readHead());
            client.send("GET /empty HTTP/1.1\r\n\r\n");
            assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", client.readHead());
        }
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAfterTheIdleTimeout() throws IOException {
        int port = start(TestHandler.echo(), TEST_LIMITS.withIdleTimeout(Duration.ofMillis(300)));
        try (RawClient client = new RawClient(port)) {
            client.send("GET /x HTTP/1.1\r\n\r\n");
            client.readResponse();
            long started = System.nanoTime();
            assertTrue(client.closedByServer());
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(waited >= 200 && waited < 3000, "closed after " + waited + " ms");
        }
        try (RawClient silent = new RawClient(port)) {
            assertTrue(silent.closedByServer(), "a client that never sends is dropped too");
        }
    }

    @Test
    void aClientThatStopsMidHeadIsDroppedAfterTheHeadTimeout() throws IOException {
        int port = start(TestHandler.echo(),
                new Limits(1024, 64, Duration.ofSeconds(10), Duration.ofMillis(300), Duration.ofSeconds(10),
                        Duration.ofSeconds(10)));
        try (RawClient client = new RawClient(port)) {
            client.send("GET /x HTTP/1.1\r\nHost: ");
            long started = System.nanoTime();
            assertTrue(client.closedByServer());
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) < 3000);
        }
    }

    @Test
    void beyondTheConnectionCapTheNextConnectionWaitsForAFreeSlot() throws IOException {
        int port = start(TestHandler.echo(), TEST_LIMITS.withMaxConnections(1));
        RawClient first = new RawClient(port);
        first.send("GET /1 HTTP/1.1\r\n\r\n");
        first.readResponse();
        try (RawClient second = new RawClient(port)) {
            second.send("GET /2 HTTP/1.1\r\n\r\n");
            second.socket.setSoTimeout(500);
            assertThrows(SocketTimeoutException.class, second::readHead, "not served while the first is open");
            first.close();
            second.socket.setSoTimeout(5000);
            assertTrue(second.readResponse().startsWith("HTTP/1.1 200 OK\r\n"));
        }
    }

    @Test
    void closeReturnsPromptlyClosesOpenConnectionsAndStopsAccepting() throws Exception {
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        TestHandler handler = new TestHandler(r -> {
            if (r.rawPath().equals("/block")) {
                inHandler.countDown();
                try {
                    never.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return TestHandler.text(200, "late");
        });
        int port = start(handler, TEST_LIMITS);
        try (RawClient idle = new RawClient(port); RawClient busy = new RawClient(port)) {
            idle.send("GET /x HTTP/1.1\r\n\r\n");
            idle.readResponse();
            busy.send("GET /block HTTP/1.1\r\n\r\n");
            assertTrue(inHandler.await(5, TimeUnit.SECONDS));
            long started = System.nanoTime();
            server.close();
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) < 1500, "close() is prompt");
            assertTrue(idle.closedByServer(), "the idle connection is closed");
            assertTrue(busy.closedByServer(), "the busy connection is closed");
        } finally {
            never.countDown();
        }
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    }
}
