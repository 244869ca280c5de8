package dev.tollgate.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake Bedrock Runtime on loopback speaking its REST-JSON protocol: {@code POST /model/{modelId}/converse}
 * (a JSON body) and {@code POST /model/{modelId}/converse-stream} (AWS event-stream frames, chunked), errors as
 * Bedrock sends them ({@code x-amzn-ErrorType} header and a JSON {@code message}). Signatures are not checked; the
 * Authorization header is recorded. Replies are scripted per request; without a script, a short text answer.
 */
public final class FakeBedrockServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PATH = Pattern.compile("/model/([^/]+)/(converse|converse-stream)");
    /** Real ConverseStream payloads carry a padding field "p"; the SDK must ignore it. */
    private static final String PADDING = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /** One request as the fake saw it. */
    public record Recorded(String operation, String modelId, String authorization, JsonNode body) {
    }

    /** What the fake answers to one request. Mutable, fluent; start from {@link #text} or {@link #error}. */
    public static final class Reply {
        String text;
        String toolUseId;
        String toolName;
        String toolInput;
        String stopReason = "end_turn";
        int inputTokens = 11;
        int outputTokens = 7;
        int cacheRead;
        int cacheWrite;
        int status = 200;
        String errorType;
        String errorMessage;
        int cutAfterEvents = -1;
        String exceptionType;
        String exceptionMessage;
        int exceptionAfterEvents = -1;
        long latencyMs;
        boolean skipMessageStop;

        public static Reply text(String text) {
            Reply reply = new Reply();
            reply.text = text;
            return reply;
        }

        public static Reply toolUse(String id, String name, String inputJson) {
            Reply reply = new Reply();
            reply.toolUseId = id;
            reply.toolName = name;
            reply.toolInput = inputJson;
            reply.stopReason = "tool_use";
            return reply;
        }

        /** An HTTP error as Bedrock sends it, e.g. 429 ThrottlingException. */
        public static Reply error(int status, String errorType, String message) {
            Reply reply = new Reply();
            reply.status = status;
            reply.errorType = errorType;
            reply.errorMessage = message;
            return reply;
        }

        public Reply stopReason(String reason) {
            this.stopReason = reason;
            return this;
        }

        public Reply usage(int input, int output, int cacheRead, int cacheWrite) {
            this.inputTokens = input;
            this.outputTokens = output;
            this.cacheRead = cacheRead;
            this.cacheWrite = cacheWrite;
            return this;
        }

        /** Streams only: the connection drops after this many events (no end of the chunked body). */
        public Reply cutAfter(int events) {
            this.cutAfterEvents = events;
            return this;
        }

        /** Streams only: an exception frame (e.g. modelStreamErrorException) after this many events. */
        public Reply exceptionAfter(int events, String type, String message) {
            this.exceptionAfterEvents = events;
            this.exceptionType = type;
            this.exceptionMessage = message;
            return this;
        }

        /** Streams only: ends the body cleanly but without messageStop and metadata, as a truncated stream would. */
        public Reply withoutMessageStop() {
            this.skipMessageStop = true;
            return this;
        }

        public Reply latency(long ms) {
            this.latencyMs = ms;
            return this;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final ConcurrentLinkedQueue<Reply> script = new ConcurrentLinkedQueue<>();
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();

    public FakeBedrockServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Queues the replies to the next requests, in order. */
    public FakeBedrockServer enqueue(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    public List<Recorded> requests() {
        return List.copyOf(requests);
    }

    public Recorded lastRequest() {
        return requests.getLast();
    }

    public void reset() {
        script.clear();
        requests.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        Matcher matcher = PATH.matcher(exchange.getRequestURI().getRawPath());
        if (!"POST".equals(exchange.getRequestMethod()) || !matcher.matches()) {
            sendError(exchange, Reply.error(404, "UnknownOperationException", "Unknown operation"));
            return;
        }
        String modelId = URLDecoder.decode(matcher.group(1), StandardCharsets.UTF_8);
        boolean stream = matcher.group(2).equals("converse-stream");
        JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
        requests.add(new Recorded(matcher.group(2), modelId,
                exchange.getRequestHeaders().getFirst("Authorization"), body));
        Reply reply = script.poll();
        if (reply == null) {
            reply = Reply.text("Hello from Bedrock.");
        }
        sleep(reply.latencyMs);
        if (reply.status != 200) {
            sendError(exchange, reply);
        } else if (stream) {
            sendStream(exchange, reply);
        } else {
            sendJson(exchange, 200, converseBody(reply));
        }
    }

    private static ObjectNode converseBody(Reply reply) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode message = root.putObject("output").putObject("message");
        message.put("role", "assistant");
        ArrayNode content = message.putArray("content");
        if (reply.text != null) {
            content.addObject().put("text", reply.text);
        }
        if (reply.toolUseId != null) {
            ObjectNode toolUse = content.addObject().putObject("toolUse");
            toolUse.put("toolUseId", reply.toolUseId);
            toolUse.put("name", reply.toolName);
            toolUse.set("input", parse(reply.toolInput));
        }
        root.put("stopReason", reply.stopReason);
        root.set("usage", usage(reply));
        root.putObject("metrics").put("latencyMs", 42);
        return root;
    }

    private static ObjectNode usage(Reply reply) {
        ObjectNode usage = JSON.createObjectNode();
        usage.put("inputTokens", reply.inputTokens);
        usage.put("outputTokens", reply.outputTokens);
        usage.put("totalTokens", reply.inputTokens + reply.outputTokens + reply.cacheRead + reply.cacheWrite);
        if (reply.cacheRead > 0 || reply.cacheWrite > 0) {
            usage.put("cacheReadInputTokens", reply.cacheRead);
            usage.put("cacheWriteInputTokens", reply.cacheWrite);
        }
        return usage;
    }

    /** The events of a ConverseStream answer, as (event type, JSON payload). */
    private static List<String[]> events(Reply reply) {
        List<String[]> events = new ArrayList<>();
        events.add(event("messageStart", JSON.createObjectNode().put("role", "assistant")));
        int index = 0;
        if (reply.text != null) {
            for (String piece : pieces(reply.text)) {
                ObjectNode delta = JSON.createObjectNode().put("contentBlockIndex", index);
                delta.putObject("delta").put("text", piece);
                events.add(event("contentBlockDelta", delta));
            }
            events.add(event("contentBlockStop", JSON.createObjectNode().put("contentBlockIndex", index)));
            index++;
        }
        if (reply.toolUseId != null) {
            ObjectNode start = JSON.createObjectNode().put("contentBlockIndex", index);
            start.putObject("start").putObject("toolUse").put("toolUseId", reply.toolUseId).put("name", reply.toolName);
            events.add(event("contentBlockStart", start));
            int half = reply.toolInput.length() / 2;
            for (String fragment : new String[] {reply.toolInput.substring(0, half), reply.toolInput.substring(half)}) {
                ObjectNode delta = JSON.createObjectNode().put("contentBlockIndex", index);
                delta.putObject("delta").putObject("toolUse").put("input", fragment);
                events.add(event("contentBlockDelta", delta));
            }
            events.add(event("contentBlockStop", JSON.createObjectNode().put("contentBlockIndex", index)));
        }
        if (!reply.skipMessageStop) {
            events.add(event("messageStop", JSON.createObjectNode().put("stopReason", reply.stopReason)));
            ObjectNode metadata = JSON.createObjectNode();
            metadata.set("usage", usage(reply));
            metadata.putObject("metrics").put("latencyMs", 42);
            events.add(event("metadata", metadata));
        }
        return events;
    }

    private static String[] event(String type, ObjectNode payload) {
        payload.put("p", PADDING.substring(0, 1 + Math.floorMod(payload.toString().length() * 7, PADDING.length() - 1)));
        return new String[] {type, payload.toString()};
    }

    private static List<String> pieces(String text) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == ' ') {
                pieces.add(text.substring(start, i));
                start = i;
            }
        }
        return pieces;
    }

    private void sendStream(HttpExchange exchange, Reply reply) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/vnd.amazon.eventstream");
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        List<String[]> events = events(reply);
        for (int i = 0; i < events.size(); i++) {
            if (i == reply.cutAfterEvents) {
                out.flush();
                // Thrown from the handler, this makes the JDK server drop the connection mid-body.
                throw new IOException("fake: stream cut after " + i + " events");
            }
            if (i == reply.exceptionAfterEvents) {
                ObjectNode payload = JSON.createObjectNode().put("message", reply.exceptionMessage);
                out.write(EventStreamFrames.exception(reply.exceptionType, payload.toString()));
                out.flush();
                out.close();
                return;
            }
            out.write(EventStreamFrames.event(events.get(i)[0], events.get(i)[1]));
            out.flush();
        }
        out.close();
    }

    private static void sendError(HttpExchange exchange, Reply reply) throws IOException {
        exchange.getResponseHeaders().set("x-amzn-ErrorType",
                reply.errorType + ":http://internal.amazon.com/coral/com.amazon.bedrock/");
        sendJson(exchange, reply.status, JSON.createObjectNode().put("message", reply.errorMessage));
    }

    private static void sendJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("tool input must be JSON", e);
        }
    }

    private static void sleep(long ms) {
        if (ms > 0) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** For tests that assert on what the fake saw. */
    public static Map<String, String> dummyAwsCredentials() {
        return Map.of("aws.accessKeyId", "AKIDTOLLGATETEST", "aws.secretAccessKey", "tollgate-test-secret");
    }
}
