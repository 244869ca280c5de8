package dev.tollgate.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake Anthropic Messages API on loopback ({@code POST /v1/messages}), speaking the documented wire format:
 * JSON messages and errors ({@code {"type":"error","error":{"type","message"},"request_id"}}) and SSE streams
 * framed as {@code event: <name>\ndata: <json>\n\n}. It checks what the real API checks first (x-api-key,
 * anthropic-version, a JSON body with model, max_tokens and messages) and answers the replies queued by a test
 * in order, or a short text answer when none is queued. Faults: any status and body, retry-after, latency, a
 * stream cut mid-way (the connection drops before the declared length), an error event after the 200, a
 * malformed chunk.
 */
public final class FakeAnthropicServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as received: lower-case header names, the parsed body. */
    public record Received(String method, String path, Map<String, String> headers, JsonNode body) {
    }

    /** What to answer to one request. */
    public sealed interface Reply {
    }

    /** A whole JSON answer (a message or an error) with any status and extra headers. */
    public record Json(int status, String body, Map<String, String> headers, Duration latency) implements Reply {
        public Json withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Json(status, body, more, latency);
        }

        public Json withLatency(Duration wait) {
            return new Json(status, body, headers, wait);
        }
    }

    /**
     * An SSE answer: each element is one whole event ({@code event: ...\ndata: ...\n\n}). With {@code cutAfter}
     * >= 0 the connection drops after that many events, short of the length it declared.
     */
    public record Stream(List<String> events, int cutAfter, Duration eventDelay) implements Reply {
        public Stream cutAfter(int count) {
            return new Stream(events, count, eventDelay);
        }

        public Stream withEventDelay(Duration delay) {
            return new Stream(events, cutAfter, delay);
        }

        /** Replaces event {@code index}'s data with JSON cut in half. */
        public Stream malformedAt(int index) {
            List<String> copy = new ArrayList<>(events);
            String event = copy.get(index);
            int data = event.indexOf("data: ") + "data: ".length();
            String json = event.substring(data, event.length() - 2);
            copy.set(index, event.substring(0, data) + json.substring(0, json.length() / 2) + "\n\n");
            return new Stream(copy, cutAfter, eventDelay);
        }

        /** Keeps the first {@code count} events and then sends a documented error event, as after a 200. */
        public Stream errorAfter(int count, String type, String message) {
            List<String> copy = new ArrayList<>(events.subList(0, count));
            ObjectNode error = JSON.createObjectNode().put("type", "error");
            error.putObject("error").put("type", type).put("message", message);
            copy.add(event("error", error));
            return new Stream(copy, -1, eventDelay);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final String apiKey;
    private final ConcurrentLinkedDeque<Reply> replies = new ConcurrentLinkedDeque<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();

    /** Starts on 127.0.0.1 and a free port; requests must carry {@code apiKey} as x-api-key. */
    public FakeAnthropicServer(String apiKey) throws IOException {
        this.apiKey = apiKey;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::serve);
        server.start();
    }

    /** The base URL a target names: the API lives under /v1. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void enqueue(Reply reply) {
        replies.add(reply);
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public Received lastReceived() {
        return received.getLast();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }

    // ---- documented bodies -------------------------------------------------------------------------------

    /** A 200 message with one text block, stop_reason end_turn. */
    public static Json message(String model, String text, long inputTokens, long outputTokens) {
        ObjectNode message = messageShell("msg_01FakeText" + inputTokens, model, "end_turn",
                usage(inputTokens, outputTokens, 0, 0));
        message.withArray("content").addObject().put("type", "text").put("text", text);
        return ok(message);
    }

    /** A 200 message that calls one tool: a text block, a tool_use block, stop_reason tool_use. */
    public static Json toolUse(String model, String text, String toolId, String name, String inputJson) {
        ObjectNode message = messageShell("msg_01FakeTool", model, "tool_use", usage(472, 89, 0, 0));
        ArrayNode content = message.withArray("content");
        content.addObject().put("type", "text").put("text", text);
        content.addObject().put("type", "tool_use").put("id", toolId).put("name", name).set("input", parse(inputJson));
        return ok(message);
    }

    /** A documented error body with its status. */
    public static Json error(int status, String type, String message) {
        ObjectNode body = JSON.createObjectNode().put("type", "error");
        body.putObject("error").put("type", type).put("message", message);
        body.put("request_id", "req_011CSHoEeqs5C35K2UUqR7Fy");
        return new Json(status, write(body), Map.of(), Duration.ZERO);
    }

    /** A text stream: message_start, one text block with one delta per piece, message_delta, message_stop. */
    public static Stream textStream(String model, List<String> pieces, long inputTokens, long cacheReadTokens,
                                    long outputTokens) {
        List<String> events = new ArrayList<>();
        events.add(messageStart("msg_01FakeStream", model, usage(inputTokens, 1, cacheReadTokens, 0)));
        events.add(blockStart(0, JSON.createObjectNode().put("type", "text").put("text", "")));
        events.add(event("ping", JSON.createObjectNode().put("type", "ping")));
        for (String piece : pieces) {
            events.add(blockDelta(0, JSON.createObjectNode().put("type", "text_delta").put("text", piece)));
        }
        events.add(event("content_block_stop", JSON.createObjectNode().put("type", "content_block_stop").put("index", 0)));
        events.add(messageDelta("end_turn", outputTokens));
        events.add(event("message_stop", JSON.createObjectNode().put("type", "message_stop")));
        return new Stream(events, -1, Duration.ZERO);
    }

    /** A tool-use stream: a tool_use block whose input arrives as input_json_delta fragments. */
    public static Stream toolUseStream(String model, String toolId, String name, List<String> fragments) {
        List<String> events = new ArrayList<>();
        events.add(messageStart("msg_01FakeToolStream", model, usage(472, 2, 0, 0)));
        events.add(blockStart(0, JSON.createObjectNode().put("type", "tool_use").put("id", toolId).put("name", name)
                .set("input", JSON.createObjectNode())));
        events.add(blockDelta(0, JSON.createObjectNode().put("type", "input_json_delta").put("partial_json", "")));
        for (String fragment : fragments) {
            events.add(blockDelta(0, JSON.createObjectNode().put("type", "input_json_delta").put("partial_json", fragment)));
        }
        events.add(event("content_block_stop", JSON.createObjectNode().put("type", "content_block_stop").put("index", 0)));
        events.add(messageDelta("tool_use", 89));
        events.add(event("message_stop", JSON.createObjectNode().put("type", "message_stop")));
        return new Stream(events, -1, Duration.ZERO);
    }

    private static ObjectNode messageShell(String id, String model, String stopReason, ObjectNode usage) {
        ObjectNode message = JSON.createObjectNode();
        message.put("id", id);
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", model);
        message.putArray("content");
        if (stopReason == null) {
            message.putNull("stop_reason");
        } else {
            message.put("stop_reason", stopReason);
        }
        message.putNull("stop_sequence");
        message.set("usage", usage);
        return message;
    }

    private static ObjectNode usage(long input, long output, long cacheRead, long cacheCreation) {
        ObjectNode usage = JSON.createObjectNode();
        usage.put("input_tokens", input);
        usage.put("cache_creation_input_tokens", cacheCreation);
        usage.put("cache_read_input_tokens", cacheRead);
        usage.put("output_tokens", output);
        usage.put("service_tier", "standard");
        return usage;
    }

    private static String messageStart(String id, String model, ObjectNode usage) {
        ObjectNode event = JSON.createObjectNode().put("type", "message_start");
        event.set("message", messageShell(id, model, null, usage));
        return event("message_start", event);
    }

    private static String blockStart(int index, ObjectNode block) {
        ObjectNode event = JSON.createObjectNode().put("type", "content_block_start").put("index", index);
        event.set("content_block", block);
        return event("content_block_start", event);
    }

    private static String blockDelta(int index, ObjectNode delta) {
        ObjectNode event = JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
        event.set("delta", delta);
        return event("content_block_delta", event);
    }

    private static String messageDelta(String stopReason, long outputTokens) {
        ObjectNode event = JSON.createObjectNode().put("type", "message_delta");
        event.putObject("delta").put("stop_reason", stopReason).putNull("stop_sequence");
        event.putObject("usage").put("output_tokens", outputTokens);
        return event("message_delta", event);
    }

    /** The documented framing: the event name line, one data line, a blank line. */
    private static String event(String name, JsonNode data) {
        return "event: " + name + "\ndata: " + write(data) + "\n\n";
    }

    private static Json ok(ObjectNode message) {
        return new Json(200, write(message), Map.of(), Duration.ZERO);
    }

    // ---- serving ---------------------------------------------------------------------------------------

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] bytes;
            try (InputStream in = exchange.getRequestBody()) {
                bytes = in.readAllBytes();
            }
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) ->
                    headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
            JsonNode body = null;
            try {
                body = JSON.readTree(bytes);
            } catch (IOException notJson) {
                // answered below as the API does
            }
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers, body));
            Reply reply = check(exchange, headers, body);
            if (reply == null) {
                reply = replies.poll();
            }
            if (reply == null) {
                reply = body != null && body.path("stream").asBoolean(false)
                        ? textStream(body.path("model").asText(), List.of("Hello", " from", " Claude"), 10, 0, 3)
                        : message(body.path("model").asText(), "Hello from Claude", 10, 3);
            }
            switch (reply) {
                case Json json -> writeJson(exchange, json);
                case Stream stream -> writeStream(exchange, stream);
            }
        }
    }

    /** The checks the real API makes before looking at the model; null when the request passes. */
    private Json check(HttpExchange exchange, Map<String, String> headers, JsonNode body) {
        if (!"/v1/messages".equals(exchange.getRequestURI().getPath())) {
            return error(404, "not_found_error", "Not Found");
        }
        if (!"POST".equals(exchange.getRequestMethod())) {
            return error(405, "invalid_request_error", "Method Not Allowed");
        }
        if (!apiKey.equals(headers.get("x-api-key"))) {
            return error(401, "authentication_error", "invalid x-api-key");
        }
        if (!headers.containsKey("anthropic-version")) {
            return error(400, "invalid_request_error", "anthropic-version: header is required");
        }
        if (body == null || !body.isObject()) {
            return error(400, "invalid_request_error", "There was an issue with the format of your request body");
        }
        for (String field : new String[] {"model", "max_tokens", "messages"}) {
            if (!body.has(field)) {
                return error(400, "invalid_request_error", field + ": Field required");
            }
        }
        return null;
    }

    private void writeJson(HttpExchange exchange, Json json) throws IOException {
        pause(json.latency());
        byte[] bytes = json.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.getResponseHeaders().set("request-id", "req_fake" + ids.incrementAndGet());
        json.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(json.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void writeStream(HttpExchange exchange, Stream stream) throws IOException {
        exchange.getResponseHeaders().set("content-type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("cache-control", "no-cache");
        exchange.getResponseHeaders().set("request-id", "req_fake" + ids.incrementAndGet());
        List<byte[]> events = stream.events().stream().map(e -> e.getBytes(StandardCharsets.UTF_8)).toList();
        OutputStream out = exchange.getResponseBody();
        if (stream.cutAfter() < 0) {
            exchange.sendResponseHeaders(200, 0);
            for (byte[] event : events) {
                pause(stream.eventDelay());
                out.write(event);
                out.flush();
            }
            out.close();
            return;
        }
        // Declare the whole stream's length, send part of it, then drop the connection.
        long length = events.stream().mapToLong(e -> e.length).sum();
        exchange.sendResponseHeaders(200, length);
        for (byte[] event : events.subList(0, stream.cutAfter())) {
            pause(stream.eventDelay());
            out.write(event);
            out.flush();
        }
        // Not out.close(): closing the exchange itself with bytes still owed makes the JDK server drop the
        // connection (ExchangeImpl.close catches "insufficient bytes written" and closes the socket).
        exchange.close();
    }

    private static void pause(Duration duration) {
        if (duration.isZero()) {
            return;
        }
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
