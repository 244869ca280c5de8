package dev.tollgate.router;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LocalServer over its own HTTP server: the gateway's answers, and its refusal of an oversize body. */
class LocalServerTest {

    @Test
    void aBodyOverSixMiBGetsTheGatewaysOpenAi413AndTheConnectionCloses() throws IOException {
        try (LocalServer server = new LocalServer(LambdaHandlerTestSupport.demoGateway(), "127.0.0.1", 0).start();
             Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + (LocalServer.MAX_BODY_BYTES + 1) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[64 * 1024]); // the client starts sending; the server must answer anyway
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(response.startsWith("HTTP/1.1 413 "), response);
            assertTrue(response.contains("\r\nConnection: close\r\n"), response);
            assertTrue(response.contains("\"type\":\"invalid_request_error\""), response);
            assertTrue(response.contains("\"code\":\"payload_too_large\""), response);
            assertTrue(response.contains("x-request-id: "), "answered and logged by the gateway: " + response);
        }
    }

    @Test
    void theGatewayAnswersOnAKeptAliveConnection() throws IOException {
        try (LocalServer server = new LocalServer(LambdaHandlerTestSupport.demoGateway(), "127.0.0.1", 0).start();
             Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /health HTTP/1.1\r\n\r\nGET /nope?x=1 HTTP/1.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
            assertTrue(response.contains("HTTP/1.1 404 Not Found\r\n"), response);
            assertTrue(response.contains("Unknown request URL: GET /nope."), "the query is not part of the path: "
                    + response);
        }
    }

    @Test
    void insideLambdaKeptAliveConnectionsNeverTimeOutElsewhereTheyDo() {
        // Behind the Web Adapter a thawed environment's clock jump would fire the idle timer as the adapter reuses
        // the connection; anywhere else idle connections are closed.
        assertEquals(Duration.ZERO, LocalServer.limitsFor(Map.of("AWS_LAMBDA_FUNCTION_NAME", "tollgate-router"))
                .idleTimeout());
        assertEquals(Duration.ofSeconds(60), LocalServer.limitsFor(Map.of()).idleTimeout());
    }
}
