package dev.tollgate.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback proxy in front of the emulator that injects AWS faults: it forwards requests as they are, or
 * throttles a share of DynamoDB calls the way DynamoDB does (HTTP 400, {@code x-amzn-ErrorType} and a JSON
 * {@code __type} of ProvisionedThroughputExceededException; the call is not forwarded, so nothing was written),
 * or drops every connection without an answer (a service that is down).
 */
final class FaultyAwsProxy implements AutoCloseable {

    enum Mode { PASS, THROTTLE, DOWN }

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "host", "transfer-encoding",
            "expect", "upgrade", "keep-alive");
    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String upstream;
    private final SplittableRandom random = new SplittableRandom(8);
    private volatile Mode mode = Mode.PASS;
    private volatile double throttleRate;
    final AtomicInteger forwarded = new AtomicInteger();
    final AtomicInteger throttled = new AtomicInteger();
    final AtomicInteger dropped = new AtomicInteger();

    FaultyAwsProxy(String upstream) throws IOException {
        this.upstream = upstream;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void pass() {
        mode = Mode.PASS;
    }

    void down() {
        mode = Mode.DOWN;
    }

    /** Throttles this share (0..1) of DynamoDB calls; other services pass. */
    void throttle(double rate) {
        throttleRate = rate;
        mode = Mode.THROTTLE;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            boolean dynamo = target != null && target.startsWith("DynamoDB_");
            Mode now = mode;
            if (now == Mode.DOWN) {
                dropped.incrementAndGet();
                return; // closing without a status line: the client sees the connection end
            }
            if (now == Mode.THROTTLE && dynamo && nextDouble() < throttleRate) {
                throttled.incrementAndGet();
                byte[] error = ("{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\","
                        + "\"message\":\"The level of configured provisioned throughput for the table was exceeded.\"}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
                exchange.getResponseHeaders().add("x-amzn-ErrorType", "ProvisionedThroughputExceededException");
                exchange.sendResponseHeaders(400, error.length);
                exchange.getResponseBody().write(error);
                return;
            }
            forwarded.incrementAndGet();
            forward(exchange, body);
        }
    }

    private synchronized double nextDouble() {
        return random.nextDouble();
    }

    private void forward(HttpExchange exchange, byte[] body) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(upstream + exchange.getRequestURI()))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
            if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(java.util.Locale.ROOT))) {
                header.getValue().forEach(v -> request.header(header.getKey(), v));
            }
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (IOException e) {
            return; // the emulator is gone: drop the connection, as it would
        }
        response.headers().map().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(java.util.Locale.ROOT)) && !name.startsWith(":")) {
                values.forEach(v -> exchange.getResponseHeaders().add(name, v));
            }
        });
        byte[] answer = response.body();
        exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
        if (answer.length > 0) {
            exchange.getResponseBody().write(answer);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
