package dev.tollgate.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Executors;

/**
 * The bare Java pass-through of issue 9, a bench system beside Tollgate: the JDK HTTP server on virtual threads
 * forwards each POST's bytes with the JDK HTTP client (HTTP/1.1) to the upstream and copies the answer back, streamed
 * or whole, with no parsing, no logging and nothing else. What Tollgate adds over it is Tollgate's own.
 * Usage: {@code PORT=... UPSTREAM=http://127.0.0.1:PORT java -cp tollgate-bench.jar dev.tollgate.bench.Passthrough}.
 */
public final class Passthrough {

    public static void main(String[] args) throws IOException {
        // No Nagle delay between SSE events (LocalServer, on its own server now, sets TCP_NODELAY itself).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        String upstream = System.getenv("UPSTREAM");
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
        switch (System.getenv().getOrDefault("PASSTHROUGH_CLIENT_EXECUTOR", "default")) {
            case "direct" -> builder.executor(Runnable::run);
            case "virtual" -> builder.executor(Executors.newVirtualThreadPerTaskExecutor());
            default -> { }
        }
        HttpClient client = builder.build();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/health", exchange -> {
            try (exchange) {
                exchange.sendResponseHeaders(200, -1);
            }
        });
        server.createContext("/", exchange -> forward(client, upstream, exchange));
        server.start();
        System.out.println("passthrough listening on " + port + " -> " + upstream);
    }

    private static void forward(HttpClient client, String upstream, HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String accept = exchange.getRequestHeaders().getFirst("Accept");
            HttpRequest request = HttpRequest.newBuilder(URI.create(upstream + exchange.getRequestURI().getRawPath()))
                    .header("Content-Type", "application/json")
                    .header("Accept", accept == null ? "*/*" : accept)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            HttpResponse<InputStream> response;
            try {
                response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(502, -1);
                return;
            }
            response.headers().firstValue("Content-Type")
                    .ifPresent(type -> exchange.getResponseHeaders().set("Content-Type", type));
            long length = response.headers().firstValueAsLong("Content-Length").orElse(0);
            exchange.sendResponseHeaders(response.statusCode(), length);
            // Copied as it arrives, flushed after each read: an SSE event reaches the client as soon as it came.
            try (InputStream in = response.body(); OutputStream out = exchange.getResponseBody()) {
                byte[] buffer = new byte[16 * 1024];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        }
    }
}
