package dev.tollgate.router.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Request parsing and bodies, over real sockets: what the handler gets, and the exact bytes of refusals. */
class Http1ServerRequestTest extends ServerTest {

    private static final int LIMIT = TEST_LIMITS.maxBodyBytes();

    @Test
    void theHandlerGetsTheRawPathWithoutItsQueryAndTheFirstValueOfEachHeaderByAnyCase() throws IOException {
        TestHandler handler = TestHandler.echo();
        try (RawClient client = new RawClient(start(handler))) {
            client.send("GET /v1/a%20b/c?x=1&y=2 HTTP/1.1\r\nHost: h\r\nX-Dup: one\r\nx-dup: two\r\n"
                    + "Authorization:   Bearer k  \r\n\r\n");
            assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n",
                    client.readResponse());
        }
        HttpRequest request = handler.requests.getFirst();
        assertEquals("GET", request.method());
        assertEquals("/v1/a%20b/c", request.rawPath());
        assertEquals("one", request.headers().get("X-DUP"));
        assertEquals("Bearer k", request.headers().get("authorization"), "surrounding whitespace trimmed");
        assertEquals(0, request.body().length);
    }

    @Test
    void anAbsoluteFormTargetGivesItsPath() throws IOException {
        TestHandler handler = TestHandler.echo();
        try (RawClient client = new RawClient(start(handler))) {
            client.send("GET http://example.com:8080/health?q HTTP/1.1\r\n\r\n");
            client.readResponse();
        }
        assertEquals("/health", handler.requests.getFirst().rawPath());
    }

    @Test
    void aContentLengthBodyIsReadExactlyAndTheNextRequestStillParses() throws IOException {
        TestHandler handler = TestHandler.echo();
        try (RawClient client = new RawClient(start(handler))) {
            client.send("POST /a HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello world"
                    + "POST /b HTTP/1.1\r\nContent-Length: 2\r\n\r\nok");
            assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world",
                    client.readResponse());
            assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok",
                    client.readResponse());
        }
    }

    @Test
    void aChunkedBodyIsReassembledWithExtensionsAndTrailersDropped() throws IOException {
        TestHandler handler = TestHandler.echo();
        try (RawClient client = new RawClient(start(handler))) {
            client.send("POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5;name=value\r\nhello\r\n" + "1\r\n \r\n" + "A\r\n0123456789\r\n" + "0\r\nX-Trailer: t\r\n\r\n");
            assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 16\r\n\r\nhello 0123456789",
                    client.readResponse());
            client.send("GET /after HTTP/1.1\r\n\r\n");
            client.readResponse();
        }
        assertEquals("/after", handler.requests.get(1).rawPath(), "the connection stays in step after a chunked body");
    }

    @Test
    void expectContinueIsAnsweredBeforeTheBodyIsRead() throws IOException {
        TestHandler handler = TestHandler.echo();
        try (RawClient client = new RawClient(start(handler))) {
            client.send("POST /x HTTP/1.1\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
            assertEquals("HTTP/1.1 100 Continue\r\n\r\n", client.readHead());
            client.send("body");
            assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\nbody",
                    client.readResponse());
        }
    }

    @Test
    void aContentLengthOverTheLimitIsRefusedWith413WithoutReadingAndTheConnectionCloses() throws IOException {
        TestHandler handler = TestHandler.echo();
        try (RawClient client = new RawClient(start(handler))) {
            client.send("POST /v1/chat/completions HTTP/1.1\r\nContent-Length: " + (LIMIT + 1)
                    + "\r\nExpect: 100-continue\r\n\r\n");
            String response = client.readResponse();
            assertTrue(response.startsWith("HTTP/1.1 413 Content Too Large\r\n"), response);
            assertTrue(response.contains("\r\nConnection: close\r\n"), response);
            assertTrue(response.endsWith("{\"error\":{\"code\":\"payload_too_large\",\"limit\":1024}}"), response);
            assertTrue(!response.contains("100 Continue"), "no 100 Continue for a body that will be refused");
            assertTrue(client.closedByServer());
        }
        assertEquals(0, handler.requests.size(), "the handler never sees it");
    }

    @Test
    void aChunkedBodyGrowingPastTheLimitIsRefusedWith413AndTheConnectionCloses() throws IOException {
        TestHandler handler = TestHandler.echo();
        try (RawClient client = new RawClient(start(handler))) {
            String chunk = "200\r\n" + "x".repeat(0x200) + "\r\n";
            client.send("POST /big HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk + chunk);
            String response = client.readResponse();
            assertTrue(response.startsWith("HTTP/1.1 413 "), response);
            assertTrue(response.contains("\r\nConnection: close\r\n"), response);
            assertTrue(client.closedByServer());
        }
        assertEquals(0, handler.requests.size());
    }

    @Test
    void aBodyExactlyAtTheLimitIsAccepted() throws IOException {
        TestHandler handler = TestHandler.echo();
        byte[] body = "y".repeat(LIMIT).getBytes(StandardCharsets.US_ASCII);
        try (RawClient client = new RawClient(start(handler))) {
            client.send("POST /max HTTP/1.1\r\nContent-Length: " + LIMIT + "\r\n\r\n");
            client.send(body);
            assertTrue(client.readResponse().startsWith("HTTP/1.1 200 OK\r\n"));
        }
        assertArrayEquals(body, handler.requests.getFirst().body());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "GARBAGE\r\n\r\n",
            "GET /x HTTP/1.1 extra\r\n\r\n",
            "GET /x HTTP/2.0\r\n\r\n",
            "GET x HTTP/1.1\r\n\r\n",
            "G(T /x HTTP/1.1\r\n\r\n",
            "GET /x HTTP/1.1\r\nNo colon here\r\n\r\n",
            "GET /x HTTP/1.1\r\nBad Name: v\r\n\r\n",
            "GET /x HTTP/1.1\r\n: empty name\r\n\r\n",
            "GET /x HTTP/1.1\r\nA: b\r\n folded\r\n\r\n",
            "POST /x HTTP/1.1\r\nContent-Length: 12abc\r\n\r\n",
            "POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
            "POST /x HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
            "POST /x HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
            "POST /x HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
            "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n",
    })
    void malformedInputGets400OpenAiJsonAndTheConnectionCloses(String request) throws IOException {
        TestHandler handler = TestHandler.echo();
        try (RawClient client = new RawClient(start(handler))) {
            client.send(request);
            String response = client.readResponse();
            assertTrue(response.startsWith("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"),
                    response);
            assertTrue(response.contains("\r\nConnection: close\r\n"), response);
            JsonNode error = json(response).path("error");
            assertEquals("invalid_request_error", error.path("type").asText());
            assertEquals("malformed_request", error.path("code").asText());
            assertTrue(!error.path("message").asText().isBlank());
            assertTrue(client.closedByServer());
        }
        assertEquals(0, handler.requests.size());
    }

    @Test
    void aHeaderBlockOver64KiBGets431() throws IOException {
        TestHandler handler = TestHandler.echo();
        try (RawClient client = new RawClient(start(handler))) {
            client.send("GET /x HTTP/1.1\r\nX-Big: " + "a".repeat(70 * 1024) + "\r\n\r\n");
            String response = client.readResponse();
            assertTrue(response.startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"), response);
            assertEquals("request_header_fields_too_large", json(response).path("error").path("code").asText());
            assertTrue(client.closedByServer());
        }
    }

    @Test
    void tooManyHeadersGet431() throws IOException {
        TestHandler handler = TestHandler.echo();
        StringBuilder request = new StringBuilder("GET /x HTTP/1.1\r\n");
        for (int i = 0; i <= RequestReader.MAX_HEADERS; i++) {
            request.append("X-H").append(i).append(": v\r\n");
        }
        try (RawClient client = new RawClient(start(handler))) {
            client.send(request.append("\r\n").toString());
            assertTrue(client.readResponse().startsWith("HTTP/1.1 431 "));
            assertTrue(client.closedByServer());
        }
    }

    @Test
    void headersJustUnderTheLimitAreServedThoughLargerThanTheReadBuffer() throws IOException {
        TestHandler handler = TestHandler.echo();
        String big = "b".repeat(40 * 1024);
        try (RawClient client = new RawClient(start(handler))) {
            client.send("GET /x HTTP/1.1\r\nX-Big: " + big + "\r\nX-After: 1\r\n\r\n");
            assertTrue(client.readResponse().startsWith("HTTP/1.1 200 OK\r\n"));
        }
        assertEquals(big, handler.requests.getFirst().headers().get("x-big"));
        assertEquals("1", handler.requests.getFirst().headers().get("x-after"));
    }

    @Test
    void bareLineFeedsAndALeadingEmptyLineAreTolerated() throws IOException {
        TestHandler handler = TestHandler.echo();
        try (RawClient client = new RawClient(start(handler))) {
            client.send("\r\nPOST /lf HTTP/1.1\nContent-Length: 2\n\nhi");
            assertTrue(client.readResponse().endsWith("\r\n\r\nhi"));
        }
        assertEquals("/lf", handler.requests.getFirst().rawPath());
    }

    private static JsonNode json(String response) throws IOException {
        return new ObjectMapper().readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
    }
}
