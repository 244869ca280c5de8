package dev.tollgate.core;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The provider HTTP client is built on its first request, once, and then behaves as the client it wraps. */
class DeferredHttpClientTest {

    @Test
    void theClientIsBuiltOnFirstUseOnlyAndThenServesRequests() throws IOException, InterruptedException {
        AtomicInteger builds = new AtomicInteger();
        HttpClient client = new DeferredHttpClient(() -> {
            builds.incrementAndGet();
            return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        });
        assertEquals(0, builds.get(), "nothing is built up front");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
        server.createContext("/", exchange -> {
            byte[] body = "pong".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/ping");
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals("pong", response.body());
            }
            assertEquals(1, builds.get(), "built once");
            assertEquals(HttpClient.Version.HTTP_1_1, client.version(), "settings are the wrapped client's");
        } finally {
            server.stop(0);
        }
    }
}
