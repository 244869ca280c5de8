package dev.tollgate.fakes;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What the fake billing APIs share: a loopback server, the query string parsed as the SDKs send it (repeated keys,
 * {@code group_by[]=...}), every request recorded, every 200 body kept (for schema checks), and faults queued by a
 * test (any status and body, Retry-After, latency, a malformed body) answered before the next real answer.
 */
abstract class BillingFakeServer implements AutoCloseable {

    /** Decimals are written exactly as built, never through a double. */
    static final ObjectMapper JSON = JsonMapper.builder()
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    /** One request as received: path, decoded query (repeated keys kept in order), lower-case headers. */
    public record Received(String path, Map<String, List<String>> query, Map<String, String> headers) {
        public String first(String name) {
            List<String> values = query.get(name);
            return values == null || values.isEmpty() ? null : values.getFirst();
        }
    }

    /** A fault answered instead of the next request. */
    public record Fault(int status, String body, String retryAfter, Duration latency) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final ConcurrentLinkedDeque<Fault> faults = new ConcurrentLinkedDeque<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<String> answered = new CopyOnWriteArrayList<>();

    BillingFakeServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::serve);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Answers the next request with this status and body (and Retry-After, when not null). */
    public void fail(int status, String body, String retryAfter) {
        faults.add(new Fault(status, body, retryAfter, Duration.ZERO));
    }

    /** Answers the next request normally, but only after {@code latency}. */
    public void delay(Duration latency) {
        faults.add(new Fault(0, null, null, latency));
    }

    /** Answers the next request 200 with JSON cut in half. */
    public void malformed() {
        faults.add(new Fault(200, "{\"object\":\"page\",\"data\":[{\"object\":\"buck", null, Duration.ZERO));
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<Received> received(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    /** Every 200 body this server sent, in order. */
    public List<String> answered() {
        return List.copyOf(answered);
    }

    public void forget() {
        received.clear();
        answered.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }

    /** The answer to a GET that passed the fault queue: status and JSON body. */
    abstract Answer answer(Received request);

    record Answer(int status, ObjectNode body) {
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((name, values) ->
                    headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
            Received request = new Received(exchange.getRequestURI().getPath(),
                    query(exchange.getRequestURI().getRawQuery()), headers);
            received.add(request);
            Fault fault = faults.poll();
            if (fault != null && !fault.latency().isZero()) {
                Thread.sleep(fault.latency());
            }
            if (fault != null && fault.status() != 0) {
                if (fault.retryAfter() != null) {
                    exchange.getResponseHeaders().add("retry-after", fault.retryAfter());
                }
                send(exchange, fault.status(), fault.body());
                return;
            }
            if (!"GET".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "{}");
                return;
            }
            Answer answer = answer(request);
            String body = JSON.writeValueAsString(answer.body());
            if (answer.status() == 200) {
                answered.add(body);
            }
            send(exchange, answer.status(), body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("content-type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        return query;
    }
}
