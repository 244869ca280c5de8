package dev.tollgate.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A fake OpenAI-format upstream on loopback: {@code POST /v1/chat/completions}, answered whole
 * ({@code chat.completion} JSON) or streamed ({@code data: {chunk}\n\n} events ending {@code data: [DONE]\n\n},
 * the usage chunk only when {@code stream_options.include_usage} asks for it), as OpenAI documents them.
 * Replies are scripted one per request ({@link #enqueue}); faults: an error status with body and Retry-After,
 * latency, a stream cut mid-way (the connection closes short of the declared length), a malformed chunk.
 * Every request body and its Authorization header are recorded.
 */
public final class OpenAiFormatUpstream implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One tool call the reply makes. */
    public record ToolCall(String id, String name, String arguments) {
    }

    /**
     * What the next request gets. Streams split the text at spaces (one chunk per word) and each tool call's
     * arguments in two, as real upstreams do.
     *
     * @param cutAfterEvents for streams: close the connection after this many events (-1: never)
     * @param malformedAfterEvents for streams: send a chunk that is not JSON after this many events (-1: never)
     */
    public record Reply(int status, String errorBody, String retryAfter, long latencyMs, String text,
                        List<ToolCall> toolCalls, String finishReason, long promptTokens, long completionTokens,
                        long cachedTokens, int cutAfterEvents, int malformedAfterEvents) {

        public static Reply text(String text) {
            return new Reply(200, null, null, 0, text, List.of(), "stop", 11, text.split(" ").length, 0, -1, -1);
        }

        public static Reply toolCalls(ToolCall... calls) {
            return new Reply(200, null, null, 0, null, List.of(calls), "tool_calls", 30, 12, 0, -1, -1);
        }

        public static Reply error(int status, String body) {
            return new Reply(status, body, null, 0, null, List.of(), null, 0, 0, 0, -1, -1);
        }

        public Reply withUsage(long prompt, long completion, long cached) {
            return new Reply(status, errorBody, retryAfter, latencyMs, text, toolCalls, finishReason, prompt,
                    completion, cached, cutAfterEvents, malformedAfterEvents);
        }

        public Reply withRetryAfter(String seconds) {
            return new Reply(status, errorBody, seconds, latencyMs, text, toolCalls, finishReason, promptTokens,
                    completionTokens, cachedTokens, cutAfterEvents, malformedAfterEvents);
        }

        public Reply withLatency(long millis) {
            return new Reply(status, errorBody, retryAfter, millis, text, toolCalls, finishReason, promptTokens,
                    completionTokens, cachedTokens, cutAfterEvents, malformedAfterEvents);
        }

        public Reply cutAfter(int events) {
            return new Reply(status, errorBody, retryAfter, latencyMs, text, toolCalls, finishReason, promptTokens,
                    completionTokens, cachedTokens, events, malformedAfterEvents);
        }

        public Reply malformedAfter(int events) {
            return new Reply(status, errorBody, retryAfter, latencyMs, text, toolCalls, finishReason, promptTokens,
                    completionTokens, cachedTokens, cutAfterEvents, events);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Queue<Reply> replies = new ConcurrentLinkedQueue<>();
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile Reply fallback = Reply.text("Hello from upstream");

    public OpenAiFormatUpstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(executor);
        server.createContext("/v1/chat/completions", this::serve);
        server.start();
    }

    /** The base URL a target's base_url names. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public void enqueue(Reply reply) {
        replies.add(reply);
    }

    /** The reply when nothing is queued. */
    public void setFallback(Reply reply) {
        fallback = reply;
    }

    public List<JsonNode> requests() {
        return requests;
    }

    public List<String> authorizations() {
        return authorizations;
    }

    public void reset() {
        replies.clear();
        requests.clear();
        authorizations.clear();
        fallback = Reply.text("Hello from upstream");
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
            requests.add(request);
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            Reply reply = replies.poll();
            if (reply == null) {
                reply = fallback;
            }
            if (reply.latencyMs() > 0) {
                Thread.sleep(reply.latencyMs());
            }
            if (reply.status() / 100 != 2) {
                if (reply.retryAfter() != null) {
                    exchange.getResponseHeaders().set("Retry-After", reply.retryAfter());
                }
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                send(exchange, reply.status(), reply.errorBody().getBytes(StandardCharsets.UTF_8));
                return;
            }
            String model = request.path("model").asText();
            if (request.path("stream").asBoolean(false)) {
                stream(exchange, reply, model, request.path("stream_options").path("include_usage").asBoolean(false));
            } else {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                send(exchange, 200, JSON.writeValueAsBytes(completion(reply, model)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static ObjectNode completion(Reply reply, String model) {
        ObjectNode body = JSON.createObjectNode();
        body.put("id", "chatcmpl-fake");
        body.put("object", "chat.completion");
        body.put("created", 1_764_000_000L);
        body.put("model", model);
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", reply.text());
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
        choice.putNull("logprobs");
        choice.put("finish_reason", reply.finishReason());
        body.set("usage", usage(reply));
        return body;
    }

    private static ObjectNode usage(Reply reply) {
        ObjectNode usage = JSON.createObjectNode();
        usage.put("prompt_tokens", reply.promptTokens());
        usage.put("completion_tokens", reply.completionTokens());
        usage.put("total_tokens", reply.promptTokens() + reply.completionTokens());
        usage.putObject("prompt_tokens_details").put("cached_tokens", reply.cachedTokens());
        return usage;
    }

    private static void stream(HttpExchange exchange, Reply reply, String model, boolean includeUsage)
            throws IOException, InterruptedException {
        List<String> events = new ArrayList<>();
        events.add(chunk(model, delta().put("role", "assistant").put("content", ""), null, includeUsage));
        if (reply.text() != null) {
            String[] words = reply.text().split(" ");
            for (int i = 0; i < words.length; i++) {
                events.add(chunk(model, delta().put("content", i == 0 ? words[i] : " " + words[i]), null, includeUsage));
            }
        }
        for (int i = 0; i < reply.toolCalls().size(); i++) {
            ToolCall call = reply.toolCalls().get(i);
            ObjectNode first = JSON.createObjectNode().put("index", i).put("id", call.id()).put("type", "function");
            first.putObject("function").put("name", call.name()).put("arguments", "");
            events.add(chunk(model, toolDelta(first), null, includeUsage));
            int half = call.arguments().length() / 2;
            for (String piece : List.of(call.arguments().substring(0, half), call.arguments().substring(half))) {
                ObjectNode next = JSON.createObjectNode().put("index", i);
                next.putObject("function").put("arguments", piece);
                events.add(chunk(model, toolDelta(next), null, includeUsage));
            }
        }
        events.add(chunk(model, delta(), reply.finishReason(), includeUsage));
        if (includeUsage) {
            ObjectNode last = chunkEnvelope(model);
            last.putArray("choices");
            last.set("usage", usage(reply));
            events.add(JSON.writeValueAsString(last));
        }
        if (reply.malformedAfterEvents() >= 0) {
            events.add(reply.malformedAfterEvents(), "{\"id\":\"chatcmpl-fake\",\"choices\":[{\"delta\":");
        }
        events.add("[DONE]");

        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        List<byte[]> framed = new ArrayList<>();
        for (String data : events) {
            byte[] event = ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
            framed.add(event);
            whole.writeBytes(event);
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        boolean cut = reply.cutAfterEvents() >= 0;
        // A cut stream declares its full length and stops short: the client sees the connection end mid-body.
        exchange.sendResponseHeaders(200, cut ? whole.size() : 0);
        OutputStream out = exchange.getResponseBody();
        for (int i = 0; i < framed.size(); i++) {
            if (cut && i == reply.cutAfterEvents()) {
                out.flush();
                closeAbruptly(exchange);
                return;
            }
            out.write(framed.get(i));
            out.flush();
        }
        out.close();
    }

    /**
     * Drops the connection without finishing the body: closing the exchange while the declared length is not yet
     * written makes the JDK server close the connection, and the handler's exception makes sure of it.
     */
    private static void closeAbruptly(HttpExchange exchange) throws IOException {
        exchange.close();
        throw new IOException("stream cut on purpose");
    }

    private static ObjectNode delta() {
        return JSON.createObjectNode();
    }

    private static ObjectNode toolDelta(ObjectNode call) {
        ObjectNode delta = JSON.createObjectNode();
        delta.putArray("tool_calls").add(call);
        return delta;
    }

    private static ObjectNode chunkEnvelope(String model) {
        ObjectNode chunk = JSON.createObjectNode();
        chunk.put("id", "chatcmpl-fake");
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", 1_764_000_000L);
        chunk.put("model", model);
        return chunk;
    }

    private static String chunk(String model, ObjectNode delta, String finishReason, boolean includeUsage)
            throws IOException {
        ObjectNode chunk = chunkEnvelope(model);
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        if (includeUsage) {
            chunk.putNull("usage");
        }
        return JSON.writeValueAsString(chunk);
    }
}
