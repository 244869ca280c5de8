package dev.tollgate.http;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fallback over the JDK client: built on first use, once, and speaking the same interface. */
class JdkUpstreamClientTest {

    @Test
    void isBuiltOnFirstUseAndSendsHeadersAndBodyAndReadsTheAnswerWholeOrStreamed() throws Exception {
        AtomicInteger builds = new AtomicInteger();
        UpstreamClient client = new JdkUpstreamClient(() -> {
            builds.incrementAndGet();
            return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        });
        assertEquals(0, builds.get(), "nothing is built up front");
        try (RawServer server = new RawServer((request, out, socket) -> {
            RawServer.write(out, "HTTP/1.1 200 OK\r\nX-Seen: yes\r\nContent-Length: 4\r\n\r\npong");
            return true;
        })) {
            UpstreamRequest request = UpstreamRequest.post(URI.create(server.url("/ping")),
                    "ping".getBytes(StandardCharsets.UTF_8)).header("x-api-key", "k").timeout(Duration.ofSeconds(5))
                    .build();
            UpstreamResponse<byte[]> whole = client.send(request);
            assertEquals(200, whole.statusCode());
            assertEquals("pong", new String(whole.body(), StandardCharsets.UTF_8));
            assertEquals("yes", whole.headers().firstValue("x-seen").orElseThrow());
            assertEquals("pong", new String(client.stream(request).body().readAllBytes(), StandardCharsets.UTF_8));
            assertTrue(server.requests.getFirst().head().toLowerCase().contains("x-api-key: k\r\n"));
            assertEquals("ping", new String(server.requests.getFirst().body(), StandardCharsets.UTF_8));
            assertEquals(1, builds.get(), "built once");
        }
    }

    @Test
    void aSilentServerIsATimeout() throws IOException {
        try (RawServer silent = new RawServer((request, out, socket) -> {
            Http1ClientTest.sleep(2000);
            return false;
        })) {
            UpstreamRequest request = UpstreamRequest.post(URI.create(silent.url("/")), new byte[1])
                    .timeout(Duration.ofMillis(200)).build();
            assertThrows(HttpTimeoutException.class, () -> new JdkUpstreamClient().send(request));
        }
    }
}
