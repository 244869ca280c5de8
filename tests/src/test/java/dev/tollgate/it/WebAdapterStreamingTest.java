package dev.tollgate.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.auth.GatewayKeys;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.core.Gateway;
import dev.tollgate.core.GatewayFactory;
import dev.tollgate.log.RequestLog;
import dev.tollgate.router.LocalServer;
import dev.tollgate.secrets.CredentialResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The deployed streaming path, minus AWS: the real Lambda Web Adapter binary (built from crates.io, named by
 * {@code TOLLGATE_LWA}; skipped without it) in {@code response_stream} mode in front of {@link LocalServer}, polling
 * a loopback fake of the Lambda Runtime API. The Runtime Interface Emulator cannot stand in for it: its invoke
 * endpoint reads a streamed response whole before answering (docs/operations.md, "What was not verified here").
 * The fake speaks the documented protocol: the extension registration and event loop, {@code invocation/next} with
 * an API Gateway REST proxy event and the runtime headers, and the streamed {@code invocation/{id}/response}
 * (response mode {@code streaming}, chunked, the HTTP integration prelude, eight NUL bytes, then the body), whose
 * bytes it timestamps as they arrive.
 */
class WebAdapterStreamingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ROOT = Path.of(System.getProperty("tollgate.repo.root", "..")).toAbsolutePath().normalize();
    private static final String KEY = "tg-lwa-test";
    private static final long CHUNK_DELAY_MS = 200;
    private static final String REPLY = "one two three four five six";

    /** Bytes of the streamed response as they reached the fake Runtime API. */
    private record Arrival(long nanos, byte[] bytes) {
    }

    /** What the adapter posted as the invocation's response. */
    private record Posted(Map<String, String> headers, List<Arrival> arrivals) {
        byte[] body() {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            arrivals.forEach(a -> all.writeBytes(a.bytes()));
            return all.toByteArray();
        }

        /** When the byte at this offset of the body arrived. */
        long arrivedAt(int offset) {
            int seen = 0;
            for (Arrival a : arrivals) {
                seen += a.bytes().length;
                if (offset < seen) {
                    return a.nanos();
                }
            }
            throw new IllegalArgumentException("offset " + offset + " past the body (" + seen + " bytes)");
        }
    }

    private LocalServer server;
    private HttpServer runtimeApi;
    private Process adapter;
    private Path adapterLog;
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final Map<String, CompletableFuture<Posted>> responses = new HashMap<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final CountDownLatch stop = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        String lwa = System.getenv("TOLLGATE_LWA");
        assumeTrue(lwa != null && Files.isExecutable(Path.of(lwa)),
                "TOLLGATE_LWA (the lambda-adapter binary of crates.io's lambda_web_adapter) is not set: skipped");
        GatewayConfig config = ConfigLoader.validate(ConfigLoader.readRaw("""
                models:
                  - name: slow
                    targets:
                      - provider: mock
                        model: slow
                        options: {chunk_delay_ms: %d, reply: "%s"}
                keys:
                  - id: lwa
                    sha256: %s
                """.formatted(CHUNK_DELAY_MS, REPLY, GatewayKeys.sha256(KEY)), "test"), "test");
        Gateway gateway = new Gateway(config, GatewayFactory.providers(Clock.systemUTC()),
                new CredentialResolver(Map.of(), null, null), new RequestLog(line -> { }));
        server = new LocalServer(gateway, "127.0.0.1", 0).start();
        runtimeApi = fakeRuntimeApi();
        adapterLog = Files.createTempFile("tollgate-lwa", ".log");
        ProcessBuilder builder = new ProcessBuilder(lwa).redirectErrorStream(true).redirectOutput(adapterLog.toFile());
        Map<String, String> env = builder.environment();
        env.put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + runtimeApi.getAddress().getPort());
        env.put("AWS_LAMBDA_FUNCTION_NAME", "tollgate-router");
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "1");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
        env.put("AWS_LWA_PORT", Integer.toString(server.port()));
        env.put("AWS_LWA_INVOKE_MODE", "response_stream");
        env.put("AWS_LWA_READINESS_CHECK_PATH", "/health");
        env.put("AWS_LWA_READINESS_CHECK_HEALTHY_STATUS", "200");
        adapter = builder.start();
    }

    @AfterEach
    void stop() throws IOException {
        stop.countDown();
        if (adapter != null) {
            adapter.destroy();
            try {
                adapter.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            adapter.destroyForcibly();
        }
        if (runtimeApi != null) {
            runtimeApi.stop(0);
        }
        if (server != null) {
            server.close();
        }
        if (adapterLog != null) {
            Files.deleteIfExists(adapterLog);
        }
    }

    private HttpServer fakeRuntimeApi() throws IOException {
        HttpServer api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.setExecutor(Executors.newCachedThreadPool());
        api.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            calls.add(exchange.getRequestMethod() + " " + path);
            try (exchange) {
                if (path.equals("/2020-01-01/extension/register")) {
                    exchange.getRequestBody().readAllBytes();
                    exchange.getResponseHeaders().set("Lambda-Extension-Identifier", "ext-1");
                    send(exchange, 200, "{\"functionName\":\"tollgate-router\",\"functionVersion\":\"1\","
                            + "\"handler\":\"run.sh\"}");
                } else if (path.equals("/2020-01-01/extension/event/next")) {
                    awaitStop(); // no lifecycle event until the test ends
                } else if (path.equals("/2018-06-01/runtime/invocation/next")) {
                    String event = events.poll(60, TimeUnit.SECONDS);
                    if (event == null) {
                        return;
                    }
                    String id = JSON.readTree(event).get("__id").asText();
                    Headers h = new Headers(exchange);
                    h.set("Lambda-Runtime-Aws-Request-Id", id);
                    h.set("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + 60_000));
                    h.set("Lambda-Runtime-Invoked-Function-Arn",
                            "arn:aws:lambda:us-east-1:123456789012:function:tollgate-router:live");
                    h.set("Lambda-Runtime-Trace-Id", "Root=1-6744a1b2-3c4d5e6f7a8b9c0d1e2f3a4b;Sampled=0");
                    ObjectNode body = (ObjectNode) JSON.readTree(event);
                    body.remove("__id");
                    send(exchange, 200, JSON.writeValueAsString(body));
                } else if (path.startsWith("/2018-06-01/runtime/invocation/") && path.endsWith("/response")) {
                    String id = path.split("/")[4];
                    Map<String, String> headers = new HashMap<>();
                    exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
                    List<Arrival> arrivals = new ArrayList<>();
                    InputStream in = exchange.getRequestBody();
                    byte[] buffer = new byte[16384];
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        arrivals.add(new Arrival(System.nanoTime(), Arrays.copyOf(buffer, n)));
                    }
                    send(exchange, 202, "{\"status\":\"OK\"}");
                    response(id).complete(new Posted(headers, arrivals));
                } else if (path.startsWith("/2018-06-01/runtime/invocation/") && path.endsWith("/error")) {
                    String id = path.split("/")[4];
                    String error = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                    send(exchange, 202, "{\"status\":\"OK\"}");
                    response(id).completeExceptionally(new AssertionError("the adapter reported an error: " + error));
                } else {
                    exchange.getRequestBody().readAllBytes();
                    send(exchange, 404, "{\"errorMessage\":\"not faked: " + path + "\"}");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        api.start();
        return api;
    }

    /** Response headers of the fake, set one by one. */
    private record Headers(HttpExchange exchange) {
        void set(String name, String value) {
            exchange.getResponseHeaders().set(name, value);
        }
    }

    private synchronized CompletableFuture<Posted> response(String id) {
        return responses.computeIfAbsent(id, k -> new CompletableFuture<>());
    }

    private void awaitStop() throws InterruptedException {
        stop.await(120, TimeUnit.SECONDS);
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** An API Gateway REST proxy event (the sample in events/) for this body, tagged with its request id. */
    private static String event(String id, String body) throws IOException {
        ObjectNode event = (ObjectNode) JSON.readTree(ROOT.resolve("events/chat-completion-stream.json").toFile());
        event.put("body", body);
        for (String field : List.of("headers", "multiValueHeaders")) {
            ObjectNode headers = (ObjectNode) event.get(field);
            headers.remove("Content-Length"); // the sample's length is that of its own body
        }
        ((ObjectNode) event.get("headers")).put("Authorization", "Bearer " + KEY);
        ((ObjectNode) event.get("multiValueHeaders")).putArray("Authorization").add("Bearer " + KEY);
        event.put("__id", id);
        return JSON.writeValueAsString(event);
    }

    private Posted invoke(String id, String body) throws Exception {
        events.add(event(id, body));
        try {
            return response(id).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no response from the adapter; runtime API calls " + calls + "; adapter log:\n"
                    + Files.readString(adapterLog), e);
        }
    }

    /** Splits the streamed body at the prelude's delimiter: eight NUL bytes. */
    private static int delimiter(byte[] body) {
        outer:
        for (int i = 0; i + 8 <= body.length; i++) {
            for (int j = 0; j < 8; j++) {
                if (body[i + j] != 0) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("no 8-NUL delimiter after the prelude: "
                + new String(body, StandardCharsets.UTF_8));
    }

    @Test
    void sseChunksLeaveTheAdapterAsTheGatewayWritesThemNotAtTheEnd() throws Exception {
        Posted posted = invoke("req-stream-1", "{\"model\":\"slow\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals("streaming", posted.headers().get("lambda-runtime-function-response-mode"));
        assertEquals("application/vnd.awslambda.http-integration-response", posted.headers().get("content-type"));
        assertEquals("chunked", posted.headers().get("transfer-encoding"));

        byte[] body = posted.body();
        int split = delimiter(body);
        JsonNode prelude = JSON.readTree(Arrays.copyOf(body, split));
        assertEquals(200, prelude.get("statusCode").asInt(), prelude.toString());
        JsonNode headers = prelude.get("headers");
        String contentType = headers.has("content-type") ? headers.get("content-type").asText()
                : headers.path("Content-Type").asText();
        assertTrue(contentType.startsWith("text/event-stream"), prelude.toString());

        String sse = new String(body, split + 8, body.length - split - 8, StandardCharsets.UTF_8);
        assertTrue(sse.endsWith("data: [DONE]\n\n"), sse);
        List<Integer> contentEvents = new ArrayList<>();
        int at = split + 8;
        for (String event : sse.split("\n\n")) {
            if (event.contains("\"content\":\"")) {
                contentEvents.add(at);
            }
            at += event.getBytes(StandardCharsets.UTF_8).length + 2;
        }
        int words = REPLY.split(" ").length;
        assertTrue(contentEvents.size() >= words, "a chunk per word: " + sse);

        // Buffered, every byte would arrive at once at the end; streamed, the first word's chunk arrives while
        // the mock still waits CHUNK_DELAY_MS before each of the following words.
        long first = posted.arrivedAt(contentEvents.getFirst());
        long last = posted.arrivedAt(contentEvents.getLast());
        long spreadMs = Duration.ofNanos(last - first).toMillis();
        assertTrue(spreadMs >= (words - 1) * CHUNK_DELAY_MS * 8 / 10,
                "first and last word " + spreadMs + " ms apart; arrivals: " + posted.arrivals().size());
        assertTrue(posted.arrivals().size() >= words, "the body came in " + posted.arrivals().size() + " pieces");
    }

    @Test
    void anErrorBeforeTheStreamIsAStreamedResponseWithTheGatewaysStatusAndOpenAiBody() throws Exception {
        Posted posted = invoke("req-404", "{\"model\":\"no-such-model\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        byte[] body = posted.body();
        int split = delimiter(body);
        JsonNode prelude = JSON.readTree(Arrays.copyOf(body, split));
        assertEquals(404, prelude.get("statusCode").asInt(), prelude.toString());
        JsonNode error = JSON.readTree(Arrays.copyOfRange(body, split + 8, body.length));
        assertEquals("model_not_found", error.path("error").path("code").asText(), error.toString());
    }
}
