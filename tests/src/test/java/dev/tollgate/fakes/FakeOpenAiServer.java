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
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fake OpenAI Chat Completions upstream on loopback. It answers {@code POST /v1/chat/completions} in the
 * documented wire formats (a {@code chat.completion} JSON object, or an SSE stream of
 * {@code chat.completion.chunk} events ending with {@code data: [DONE]}), records every request it receives,
 * and plays scripted {@link Reply replies}: errors, latency, usage with cached tokens, and streams that break.
 *
 * <p>Replies are taken first from the queue for the requested (upstream) model, then from the shared queue,
 * and fall back to {@link #defaultReply()} when both are empty, so a test scripts only what it cares about.
 */
public final class FakeOpenAiServer implements AutoCloseable {

    /** The JSON the fake writes; field order follows the API reference's examples. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<RecordedRequest> requests = Collections.synchronizedList(new ArrayList<>());
    private final Deque<Reply> sharedQueue = new ArrayDeque<>();
    private final Map<String, Deque<Reply>> queueByModel = new HashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile Reply defaultReply = Reply.text("Hello from the fake upstream.");

    private FakeOpenAiServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts on 127.0.0.1 and an ephemeral port. */
    public static FakeOpenAiServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
            server.setExecutor(executor);
            FakeOpenAiServer fake = new FakeOpenAiServer(server, executor);
            server.createContext("/", fake::handle);
            server.start();
            return fake;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** What a target's {@code base_url} should be. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    // ---- scripting ------------------------------------------------------------------------------------

    /** Replies for the next requests, whatever model they name, in order. */
    public synchronized FakeOpenAiServer enqueue(Reply... replies) {
        sharedQueue.addAll(List.of(replies));
        return this;
    }

    /** Replies for the next requests whose (upstream) {@code model} is {@code model}; they win over the shared queue. */
    public synchronized FakeOpenAiServer enqueueFor(String model, Reply... replies) {
        queueByModel.computeIfAbsent(model, m -> new ArrayDeque<>()).addAll(List.of(replies));
        return this;
    }

    public FakeOpenAiServer defaultReply(Reply reply) {
        this.defaultReply = reply;
        return this;
    }

    public Reply defaultReply() {
        return defaultReply;
    }

    /** Forgets scripted replies and recorded requests; the default reply goes back to the stock text. */
    public synchronized void reset() {
        sharedQueue.clear();
        queueByModel.clear();
        requests.clear();
        defaultReply = Reply.text("Hello from the fake upstream.");
    }

    private synchronized Reply nextReply(String model) {
        Deque<Reply> forModel = model == null ? null : queueByModel.get(model);
        if (forModel != null && !forModel.isEmpty()) {
            return forModel.removeFirst();
        }
        if (!sharedQueue.isEmpty()) {
            return sharedQueue.removeFirst();
        }
        return defaultReply;
    }

    // ---- recording ------------------------------------------------------------------------------------

    /** Every request received so far, oldest first. */
    public List<RecordedRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    public RecordedRequest lastRequest() {
        synchronized (requests) {
            if (requests.isEmpty()) {
                throw new AssertionError("the fake upstream received no request");
            }
            return requests.getLast();
        }
    }

    /** One request as the fake received it: headers (case-insensitive names) and the raw body. */
    public record RecordedRequest(String method, String path, Map<String, List<String>> headers, byte[] body) {

        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.getFirst();
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("the upstream request body is not JSON: " + bodyText(), e);
            }
        }
    }

    // ---- replies --------------------------------------------------------------------------------------

    /**
     * One scripted answer. A success carries the completion text as the pieces a stream sends (joined for a
     * non-streamed answer) and its usage; an error carries a status, an OpenAI error body and headers.
     * Immutable: every modifier returns a copy, so a reply can be reused as a default.
     */
    public record Reply(int status, String errorBody, Map<String, String> headers, Duration delay,
                        List<String> pieces, String finishReason, long promptTokens, long completionTokens,
                        long cachedTokens, int breakAfterChunks, boolean omitDone, Duration chunkDelay,
                        List<ToolCall> toolCalls, int malformedAfterChunks) {

        public Reply {
            headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
            pieces = List.copyOf(pieces);
            toolCalls = List.copyOf(toolCalls);
        }

        /** A successful completion streamed as these pieces (joined when not streamed); usage 12 + one token a piece. */
        public static Reply text(String... pieces) {
            return new Reply(200, null, Map.of(), Duration.ZERO, List.of(pieces), "stop", 12, pieces.length, 0,
                    -1, false, Duration.ZERO, List.of(), -1);
        }

        /**
         * A successful answer that only calls tools (content null, finish_reason tool_calls); streamed, each call
         * comes as a header delta (index, id, name, empty arguments) and then its arguments in two halves.
         */
        public static Reply toolCalls(ToolCall... calls) {
            return new Reply(200, null, Map.of(), Duration.ZERO, List.of(), "tool_calls", 30, 12, 0, -1, false,
                    Duration.ZERO, List.of(calls), -1);
        }

        /** An error in OpenAI's shape: {@code {"error":{"message","type","param","code"}}}. */
        public static Reply error(int status, String type, String code, String message) {
            ObjectNode root = JSON.createObjectNode();
            ObjectNode error = root.putObject("error");
            error.put("message", message);
            error.put("type", type);
            error.putNull("param");
            if (code == null) {
                error.putNull("code");
            } else {
                error.put("code", code);
            }
            return rawError(status, pretty(root));
        }

        /** An error status with exactly this body (HTML from a proxy, truncated JSON, ...). */
        public static Reply rawError(int status, String body) {
            return new Reply(status, body, Map.of(), Duration.ZERO, List.of(), "stop", 0, 0, 0, -1, false,
                    Duration.ZERO, List.of(), -1);
        }

        /** OpenAI's 500: {@code server_error}. */
        public static Reply serverError() {
            return error(500, "server_error", null,
                    "The server had an error while processing your request. Sorry about that!");
        }

        /** OpenAI's rate limit answer, with its {@code retry-after} header in seconds. */
        public static Reply rateLimited(int retryAfterSeconds) {
            return error(429, "requests", "rate_limit_exceeded",
                    "Rate limit reached for requests. Please try again in " + retryAfterSeconds + "s.")
                    .header("retry-after", Integer.toString(retryAfterSeconds));
        }

        public Reply header(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Reply(status, errorBody, more, delay, pieces, finishReason, promptTokens, completionTokens,
                    cachedTokens, breakAfterChunks, omitDone, chunkDelay, toolCalls, malformedAfterChunks);
        }

        /** Waits this long before answering at all (before the status line). */
        public Reply delay(Duration wait) {
            return new Reply(status, errorBody, headers, wait, pieces, finishReason, promptTokens, completionTokens,
                    cachedTokens, breakAfterChunks, omitDone, chunkDelay, toolCalls, malformedAfterChunks);
        }

        /** Waits this long between stream events. */
        public Reply chunkDelay(Duration wait) {
            return new Reply(status, errorBody, headers, delay, pieces, finishReason, promptTokens, completionTokens,
                    cachedTokens, breakAfterChunks, omitDone, wait, toolCalls, malformedAfterChunks);
        }

        /** Usage as reported; {@code cached} goes to {@code prompt_tokens_details.cached_tokens}. */
        public Reply usage(long prompt, long completion, long cached) {
            return new Reply(status, errorBody, headers, delay, pieces, finishReason, prompt, completion, cached,
                    breakAfterChunks, omitDone, chunkDelay, toolCalls, malformedAfterChunks);
        }

        public Reply finishReason(String reason) {
            return new Reply(status, errorBody, headers, delay, pieces, reason, promptTokens, completionTokens,
                    cachedTokens, breakAfterChunks, omitDone, chunkDelay, toolCalls, malformedAfterChunks);
        }

        /**
         * For streams: after this many events (the role chunk counts as the first) and one {@link #chunkDelay}, drop
         * the TCP connection in the middle of the chunked body, with no finish_reason, no usage and no [DONE]: a
         * crash or network cut. Give it a chunk delay when the test counts the events that got through: the JDK
         * HttpClient's InputStream drops bytes it had buffered but not yet handed out once the connection fails.
         */
        public Reply breakAfterChunks(int events) {
            return new Reply(status, errorBody, headers, delay, pieces, finishReason, promptTokens, completionTokens,
                    cachedTokens, events, omitDone, chunkDelay, toolCalls, malformedAfterChunks);
        }

        /** For streams: send every chunk, then end the body cleanly but without {@code data: [DONE]}. */
        public Reply withoutDone() {
            return new Reply(status, errorBody, headers, delay, pieces, finishReason, promptTokens, completionTokens,
                    cachedTokens, breakAfterChunks, true, chunkDelay, toolCalls, malformedAfterChunks);
        }

        /**
         * For streams: after this many events, end the chunked body properly but early: no finish_reason, no
         * usage, no [DONE]. What a proxy that gives up politely, or a buggy compatible server, looks like.
         */
        public Reply endAfterChunks(int events) {
            return new Reply(status, errorBody, headers, delay, pieces, finishReason, promptTokens, completionTokens,
                    cachedTokens, events, true, chunkDelay, toolCalls, malformedAfterChunks);
        }

        /** For streams: send an event that is not JSON (a chunk cut off mid-object) after this many events. */
        public Reply malformedAfterChunks(int events) {
            return new Reply(status, errorBody, headers, delay, pieces, finishReason, promptTokens, completionTokens,
                    cachedTokens, breakAfterChunks, omitDone, chunkDelay, toolCalls, events);
        }

        public String content() {
            return String.join("", pieces);
        }

        public long totalTokens() {
            return promptTokens + completionTokens;
        }
    }

    /** One tool call a reply makes; {@code arguments} is the JSON text OpenAI sends. */
    public record ToolCall(String id, String name, String arguments) {
    }

    // ---- serving --------------------------------------------------------------------------------------

    /** Thrown from the handler after a partial response: the JDK server then closes the socket mid-body. */
    private static final class CutConnection extends RuntimeException {
        CutConnection() {
            super("fake upstream cut the connection on purpose", null, false, false);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
        RecordedRequest request = new RecordedRequest(exchange.getRequestMethod(),
                exchange.getRequestURI().getRawPath(), Collections.unmodifiableMap(headers), body);
        requests.add(request);

        if (!"POST".equals(request.method()) || !"/v1/chat/completions".equals(request.path())) {
            respond(exchange, Reply.error(404, "invalid_request_error", "unknown_url",
                    "Unknown request URL: " + request.method() + " " + request.path() + "."), null);
            return;
        }
        JsonNode parsed;
        try {
            parsed = JSON.readTree(body);
        } catch (IOException e) {
            parsed = null;
        }
        if (parsed == null || !parsed.isObject() || !parsed.path("model").isTextual()) {
            respond(exchange, Reply.error(400, "invalid_request_error", null,
                    "We could not parse the JSON body of your request."), null);
            return;
        }
        respond(exchange, nextReply(parsed.get("model").asText()), parsed);
    }

    private void respond(HttpExchange exchange, Reply reply, JsonNode request) throws IOException {
        boolean cut = false;
        try {
            sleep(reply.delay());
            exchange.getResponseHeaders().set("x-request-id", "req_fake" + ids.incrementAndGet());
            reply.headers().forEach(exchange.getResponseHeaders()::set);
            if (reply.status() != 200) {
                send(exchange, reply.status(), "application/json", reply.errorBody().getBytes(StandardCharsets.UTF_8));
                return;
            }
            String model = request.get("model").asText();
            String id = "chatcmpl-fake" + ids.incrementAndGet();
            long created = System.currentTimeMillis() / 1000;
            if (request.path("stream").asBoolean(false)) {
                boolean includeUsage = request.path("stream_options").path("include_usage").asBoolean(false);
                stream(exchange, reply, id, created, model, includeUsage);
            } else {
                send(exchange, 200, "application/json", completion(reply, id, created, model));
            }
        } catch (CutConnection e) {
            // Closing the exchange would end the chunked body cleanly; letting this escape makes the JDK
            // server drop the socket instead, which is what a crashed upstream looks like.
            cut = true;
            throw e;
        } finally {
            if (!cut) {
                exchange.close();
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static void stream(HttpExchange exchange, Reply reply, String id, long created, String model,
                               boolean includeUsage) throws IOException {
        List<byte[]> events = new ArrayList<>();
        ObjectNode roleDelta = JSON.createObjectNode();
        roleDelta.put("role", "assistant");
        roleDelta.put("content", "");
        roleDelta.putNull("refusal");
        events.add(chunk(id, created, model, roleDelta, null, includeUsage));
        for (String piece : reply.pieces()) {
            ObjectNode delta = JSON.createObjectNode();
            delta.put("content", piece);
            events.add(chunk(id, created, model, delta, null, includeUsage));
        }
        for (int i = 0; i < reply.toolCalls().size(); i++) {
            ToolCall call = reply.toolCalls().get(i);
            ObjectNode first = JSON.createObjectNode().put("index", i).put("id", call.id()).put("type", "function");
            first.putObject("function").put("name", call.name()).put("arguments", "");
            events.add(chunk(id, created, model, toolDelta(first), null, includeUsage));
            int half = call.arguments().length() / 2;
            for (String piece : List.of(call.arguments().substring(0, half), call.arguments().substring(half))) {
                ObjectNode next = JSON.createObjectNode().put("index", i);
                next.putObject("function").put("arguments", piece);
                events.add(chunk(id, created, model, toolDelta(next), null, includeUsage));
            }
        }
        events.add(chunk(id, created, model, JSON.createObjectNode(), reply.finishReason(), includeUsage));
        if (includeUsage) {
            ObjectNode last = header(id, created, model, "chat.completion.chunk");
            last.putArray("choices");
            last.set("usage", usage(reply));
            events.add(bytes(last));
        }
        if (reply.malformedAfterChunks() >= 0) {
            events.add(reply.malformedAfterChunks(),
                    ("{\"id\":\"" + id + "\",\"choices\":[{\"delta\":").getBytes(StandardCharsets.UTF_8));
        }

        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        for (int i = 0; i < events.size(); i++) {
            if (i > 0) {
                sleep(reply.chunkDelay());
            }
            if (i == reply.breakAfterChunks()) {
                if (reply.omitDone()) {
                    out.close();
                    return;
                }
                throw new CutConnection();
            }
            out.write("data: ".getBytes(StandardCharsets.US_ASCII));
            out.write(events.get(i));
            out.write("\n\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        if (!reply.omitDone()) {
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.close();
    }

    private static byte[] completion(Reply reply, String id, long created, String model) {
        ObjectNode root = header(id, created, model, "chat.completion");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        if (reply.pieces().isEmpty() && !reply.toolCalls().isEmpty()) {
            message.putNull("content");
        } else {
            message.put("content", reply.content());
        }
        message.putNull("refusal");
        if (!reply.toolCalls().isEmpty()) {
            ArrayNode calls = message.putArray("tool_calls");
            for (ToolCall call : reply.toolCalls()) {
                ObjectNode node = calls.addObject();
                node.put("id", call.id());
                node.put("type", "function");
                node.putObject("function").put("name", call.name()).put("arguments", call.arguments());
            }
        }
        message.putArray("annotations");
        choice.putNull("logprobs");
        choice.put("finish_reason", reply.finishReason());
        root.set("usage", usage(reply));
        root.put("service_tier", "default");
        root.put("system_fingerprint", "fp_fake0001");
        return pretty(root).getBytes(StandardCharsets.UTF_8);
    }

    private static ObjectNode header(String id, long created, String model, String object) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", id);
        root.put("object", object);
        root.put("created", created);
        root.put("model", model);
        return root;
    }

    private static byte[] chunk(String id, long created, String model, ObjectNode delta, String finishReason,
                                boolean includeUsage) {
        ObjectNode chunk = header(id, created, model, "chat.completion.chunk");
        chunk.put("service_tier", "default");
        chunk.put("system_fingerprint", "fp_fake0001");
        ArrayNode choices = chunk.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        if (includeUsage) {
            // OpenAI puts "usage": null on every chunk but the last when include_usage is set.
            chunk.putNull("usage");
        }
        return bytes(chunk);
    }

    private static ObjectNode toolDelta(ObjectNode call) {
        ObjectNode delta = JSON.createObjectNode();
        delta.putArray("tool_calls").add(call);
        return delta;
    }

    private static ObjectNode usage(Reply reply) {
        ObjectNode usage = JSON.createObjectNode();
        usage.put("prompt_tokens", reply.promptTokens());
        usage.put("completion_tokens", reply.completionTokens());
        usage.put("total_tokens", reply.totalTokens());
        ObjectNode prompt = usage.putObject("prompt_tokens_details");
        prompt.put("cached_tokens", reply.cachedTokens());
        prompt.put("audio_tokens", 0);
        ObjectNode completion = usage.putObject("completion_tokens_details");
        completion.put("reasoning_tokens", 0);
        completion.put("audio_tokens", 0);
        completion.put("accepted_prediction_tokens", 0);
        completion.put("rejected_prediction_tokens", 0);
        return usage;
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Non-streamed bodies are indented, as OpenAI sends them. */
    private static String pretty(JsonNode node) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(Duration wait) {
        if (wait.isZero() || wait.isNegative()) {
            return;
        }
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "FakeOpenAiServer[" + baseUrl() + "]";
    }
}
