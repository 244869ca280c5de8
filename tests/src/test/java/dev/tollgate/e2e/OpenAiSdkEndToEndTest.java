package dev.tollgate.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.models.Model;
import dev.tollgate.fakes.FakeOpenAiServer;
import dev.tollgate.fakes.FakeOpenAiServer.RecordedRequest;
import dev.tollgate.fakes.FakeOpenAiServer.Reply;
import dev.tollgate.fakes.WireTap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The official OpenAI Java SDK, unmodified, talks to the gateway's local HTTP door, which talks to a fake
 * OpenAI upstream. Everything the gateway sends back passes through a {@link WireTap}, so the last test can
 * prove the provider key never reached a client.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenAiSdkEndToEndTest {

    private static final String GATEWAY_KEY = "tg-e2e-gateway-key-3b9d0c41";
    /** Distinctive so a leak anywhere is unmistakable. */
    private static final String PROVIDER_KEY = "sk-fake-PROVIDER-7c1e5a9b04d2f6e8";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static FakeOpenAiServer upstream;
    private static TestGateway gateway;
    private static WireTap tap;
    private static OpenAIClient client;
    private static HttpClient http;
    /** Text the SDK surfaced to the application (exception messages and bodies), for the leak scan. */
    private static final List<String> surfacedToApplication = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startStack() {
        upstream = FakeOpenAiServer.start();
        String target = """
                      - provider: openai
                        model: %s
                        base_url: %s
                        credential: env:FAKE_OPENAI_KEY
                        timeout_ms: %d
                """;
        // Retries and cooldowns are off here: each test scripts the upstream's replies one by one, and a cooldown
        // left by one test must not skip a target in the next. The routing engine's own tests cover both.
        String policy = "    policy: {retries: 0, cooldown_ms: 0}\n";
        String yaml = "models:\n"
                + "  - name: gpt-test\n    aliases: [fast]\n" + policy + "    targets:\n"
                + target.formatted("upstream-model-1", upstream.baseUrl(), 5000)
                + "  - name: gpt-fallback\n" + policy + "    targets:\n"
                + target.formatted("primary-upstream", upstream.baseUrl(), 5000)
                + target.formatted("backup-upstream", upstream.baseUrl(), 5000)
                + "  - name: gpt-slow\n    policy: {retries: 0, cooldown_ms: 0, stream_idle_timeout_ms: 300}\n    targets:\n"
                + target.formatted("slow-upstream", upstream.baseUrl(), 300)
                + TestGateway.keyEntry("e2e", GATEWAY_KEY);
        gateway = new TestGateway(yaml, Map.of("FAKE_OPENAI_KEY", PROVIDER_KEY));
        tap = WireTap.start(gateway.port());
        client = sdk(GATEWAY_KEY);
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stopStack() {
        if (client != null) {
            client.close();
        }
        if (http != null) {
            http.close();
        }
        if (tap != null) {
            tap.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @BeforeEach
    void freshUpstream() {
        upstream.reset();
    }

    private static OpenAIClient sdk(String apiKey) {
        return OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + tap.port() + "/v1")
                .apiKey(apiKey)
                .maxRetries(0)
                // Strict parsing: a response missing a field the SDK requires fails the test.
                .responseValidation(true)
                .timeout(Duration.ofSeconds(10))
                .build();
    }

    private static ChatCompletionCreateParams.Builder ask(String model, String text) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(text);
    }

    private static ChatCompletionStreamOptions includeUsage() {
        return ChatCompletionStreamOptions.builder().includeUsage(true).build();
    }

    private static <T extends OpenAIServiceException> T expectError(Class<T> type, Runnable call) {
        T error = assertThrows(type, call::run);
        surfacedToApplication.add(error.getMessage() + " " + error.body() + " " + error.headers());
        return error;
    }

    private static String header(HttpResponseFor<?> response, String name) {
        List<String> values = response.headers().values(name);
        return values.isEmpty() ? null : values.getFirst();
    }

    // ---- (a) plain completion ----------------------------------------------------------------------------

    @Test
    void completionPassesContentAndUsageThroughAndUpstreamGetsProviderKeyAndUpstreamModel() {
        upstream.enqueue(Reply.text("Hello", " from", " upstream.").usage(21, 7, 5));

        HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse()
                .create(ask("fast", "Say hello").build());
        ChatCompletion completion = raw.parse();

        assertEquals(200, raw.statusCode());
        assertEquals("Hello from upstream.", completion.choices().getFirst().message().content().orElseThrow());
        CompletionUsage usage = completion.usage().orElseThrow();
        assertAll("usage as the upstream reported it",
                () -> assertEquals(21, usage.promptTokens()),
                () -> assertEquals(7, usage.completionTokens()),
                () -> assertEquals(28, usage.totalTokens()),
                () -> assertEquals(5L, usage.promptTokensDetails().orElseThrow().cachedTokens().orElseThrow()));
        assertAll("gateway headers",
                () -> assertEquals("openai", header(raw, "x-tollgate-provider")),
                () -> assertEquals("upstream-model-1", header(raw, "x-tollgate-model")),
                () -> assertEquals("1", header(raw, "x-tollgate-attempts")),
                () -> assertNotNull(header(raw, "x-request-id")));

        RecordedRequest sent = upstream.lastRequest();
        assertAll("what the upstream received",
                () -> assertEquals("/v1/chat/completions", sent.path()),
                () -> assertEquals("Bearer " + PROVIDER_KEY, sent.header("Authorization")),
                () -> assertFalse(sent.headers().toString().contains(GATEWAY_KEY), "gateway key forwarded upstream"),
                () -> assertFalse(sent.bodyText().contains(GATEWAY_KEY), "gateway key in upstream body"),
                () -> assertEquals("upstream-model-1", sent.json().path("model").asText()),
                () -> assertEquals("Say hello", sent.json().path("messages").path(0).path("content").asText()));

        JsonNode line = gateway.requestLine(header(raw, "x-request-id"));
        assertEquals(21, line.path("prompt_tokens").asLong());
        assertEquals(5, line.path("cached_tokens").asLong());
    }

    @Test
    void modelListShowsConfiguredNamesAndAliases() {
        List<String> ids = client.models().list().data().stream().map(Model::id).toList();
        assertTrue(ids.containsAll(List.of("gpt-test", "fast", "gpt-fallback")), ids.toString());
    }

    // ---- (b) streaming ---------------------------------------------------------------------------------

    private static final List<String> PIECES = List.of("The", " quick", " brown", " fox", ".");

    @Test
    void streamDeliversEveryDeltaInOrderAndTheUsageChunkWhenTheClientAsksForIt() {
        upstream.enqueue(Reply.text(PIECES.toArray(String[]::new)).usage(30, 5, 10));

        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(ask("gpt-test", "Tell me about the fox").streamOptions(includeUsage()).build())) {
            chunks = stream.stream().toList();
        }

        assertEquals(PIECES, contentDeltas(chunks), "content deltas, in order");
        assertEquals(String.join("", PIECES), String.join("", contentDeltas(chunks)));
        assertTrue(chunks.stream().anyMatch(c -> !c.choices().isEmpty()
                && c.choices().getFirst().finishReason().isPresent()), "a chunk carries finish_reason");
        ChatCompletionChunk last = chunks.getLast();
        assertTrue(last.choices().isEmpty(), "the usage chunk has no choices");
        CompletionUsage usage = last.usage().orElseThrow();
        assertEquals(30, usage.promptTokens());
        assertEquals(5, usage.completionTokens());
        assertEquals(10L, usage.promptTokensDetails().orElseThrow().cachedTokens().orElseThrow());

        JsonNode sent = upstream.lastRequest().json();
        assertTrue(sent.path("stream").asBoolean());
        assertTrue(sent.path("stream_options").path("include_usage").asBoolean());
    }

    @Test
    void streamWithoutIncludeUsageHidesTheUsageChunkFromTheClientButLogsTheTokens() {
        upstream.enqueue(Reply.text(PIECES.toArray(String[]::new)).usage(30, 5, 10));

        HttpResponseFor<StreamResponse<ChatCompletionChunk>> raw = client.chat().completions().withRawResponse()
                .createStreaming(ask("gpt-test", "Tell me about the fox").build());
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = raw.parse()) {
            chunks = stream.stream().toList();
        }

        assertEquals(PIECES, contentDeltas(chunks));
        assertTrue(chunks.stream().noneMatch(c -> c.usage().isPresent()), "a usage chunk reached the client");
        assertTrue(chunks.stream().noneMatch(c -> c.choices().isEmpty()), "an empty-choices chunk reached the client");
        // The gateway asked for usage on its own account, to meter the call.
        assertTrue(upstream.lastRequest().json().path("stream_options").path("include_usage").asBoolean());

        JsonNode line = gateway.requestLine(header(raw, "x-request-id"));
        assertAll("the request log line meters the stream",
                () -> assertEquals("ok", line.path("outcome").asText()),
                () -> assertEquals(30, line.path("prompt_tokens").asLong()),
                () -> assertEquals(5, line.path("completion_tokens").asLong()),
                () -> assertEquals(10, line.path("cached_tokens").asLong()));
    }

    private static List<String> contentDeltas(List<ChatCompletionChunk> chunks) {
        List<String> pieces = new ArrayList<>();
        for (ChatCompletionChunk chunk : chunks) {
            for (ChatCompletionChunk.Choice choice : chunk.choices()) {
                choice.delta().content().filter(s -> !s.isEmpty()).ifPresent(pieces::add);
            }
        }
        return pieces;
    }

    // ---- (c)-(f) errors --------------------------------------------------------------------------------

    @Test
    void upstream500ReachesTheSdkAs502WithCodeUpstreamServerError() {
        upstream.enqueue(Reply.serverError());

        InternalServerException error = expectError(InternalServerException.class,
                () -> client.chat().completions().create(ask("gpt-test", "hi").build()));

        assertEquals(502, error.statusCode());
        assertEquals("upstream_server_error", error.code().orElseThrow());
        assertEquals("upstream_error", error.type().orElseThrow());
    }

    @Test
    void upstream429ReachesTheSdkAs429WithTheUpstreamRetryAfter() throws Exception {
        upstream.enqueue(Reply.rateLimited(3));

        RateLimitException error = expectError(RateLimitException.class,
                () -> client.chat().completions().create(ask("gpt-test", "hi").build()));
        assertEquals(429, error.statusCode());
        assertEquals(List.of("3"), error.headers().values("Retry-After"));

        // The same answer on the wire, read with a plain HTTP client.
        upstream.enqueue(Reply.rateLimited(3));
        HttpResponse<String> raw = postChat(GATEWAY_KEY, "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(429, raw.statusCode());
        assertEquals("3", raw.headers().firstValue("retry-after").orElseThrow());
        assertEquals("rate_limit_exceeded", JSON.readTree(raw.body()).path("error").path("code").asText());
    }

    @Test
    void upstreamTooSlowForTheTargetTimeoutBecomes504() {
        upstream.enqueue(Reply.text("late").delay(Duration.ofMillis(1500)));

        OpenAIServiceException error = expectError(InternalServerException.class,
                () -> client.chat().completions().create(ask("gpt-slow", "hi").build()));

        assertEquals(504, error.statusCode());
        assertEquals("upstream_timeout", error.code().orElseThrow());
    }

    @Test
    void wrongGatewayKeyIs401AndNeverReachesTheUpstream() {
        OpenAIClient stranger = sdk("tg-not-a-real-key");
        try {
            UnauthorizedException error = expectError(UnauthorizedException.class,
                    () -> stranger.chat().completions().create(ask("gpt-test", "hi").build()));
            assertEquals(401, error.statusCode());
            assertEquals("invalid_api_key", error.code().orElseThrow());
        } finally {
            stranger.close();
        }
        assertTrue(upstream.requests().isEmpty());
    }

    @Test
    void unknownModelIs404AndNeverReachesTheUpstream() {
        NotFoundException error = expectError(NotFoundException.class,
                () -> client.chat().completions().create(ask("no-such-model", "hi").build()));

        assertEquals(404, error.statusCode());
        assertEquals("model_not_found", error.code().orElseThrow());
        assertTrue(upstream.requests().isEmpty());
    }

    // ---- (g) a stream that breaks --------------------------------------------------------------------

    @Test
    void streamCutMidwayEndsWithAnErrorEventInsteadOfHanging() {
        // Role chunk, "one", " two", then the upstream socket drops: no finish_reason, no [DONE]. The delay lets
        // the gateway relay " two" before the cut (see Reply.breakAfterChunks).
        upstream.enqueue(Reply.text("one", " two", " three", " four").chunkDelay(Duration.ofMillis(100))
                .breakAfterChunks(3));

        List<String> received = new ArrayList<>();
        HttpResponseFor<StreamResponse<ChatCompletionChunk>> raw = client.chat().completions().withRawResponse()
                .createStreaming(ask("gpt-test", "count").build());
        OpenAIServiceException error = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            try (StreamResponse<ChatCompletionChunk> stream = raw.parse()) {
                return assertThrows(OpenAIServiceException.class, () -> stream.stream()
                        .forEach(chunk -> received.addAll(contentDeltas(List.of(chunk)))));
            }
        });
        surfacedToApplication.add(error.getMessage() + " " + error.body());

        assertEquals(List.of("one", " two"), received, "what arrived before the cut is delivered");
        assertEquals("upstream_error", error.type().orElseThrow());
        assertTrue(error.code().orElseThrow().startsWith("upstream_"), error.code().toString());
        assertEquals("upstream_stream_broken", gateway.requestLine(header(raw, "x-request-id"))
                .path("outcome").asText());
    }

    @Test
    void streamEndedEarlyWithoutDoneIsReportedAsBrokenNotAsComplete() {
        // Role chunk and "one", then a clean end of the HTTP body: no finish_reason, no usage, no [DONE].
        upstream.enqueue(Reply.text("one", " two", " three").endAfterChunks(2));

        HttpResponseFor<StreamResponse<ChatCompletionChunk>> raw = client.chat().completions().withRawResponse()
                .createStreaming(ask("gpt-test", "count").build());
        List<String> received = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = raw.parse()) {
            OpenAIServiceException error = assertThrows(OpenAIServiceException.class, () -> stream.stream()
                    .forEach(chunk -> received.addAll(contentDeltas(List.of(chunk)))));
            surfacedToApplication.add(error.getMessage() + " " + error.body());
        }
        assertEquals(List.of("one"), received);
        assertEquals("upstream_stream_broken", gateway.requestLine(header(raw, "x-request-id"))
                .path("outcome").asText());
    }

    @Test
    void streamThatStallsMidwayIsCutAfterTheIdleTimeout() {
        // gpt-slow has a 300 ms stream idle timeout; the upstream sends the role chunk, then waits 3 s before each next one.
        upstream.enqueue(Reply.text("one", " two", " three").chunkDelay(Duration.ofSeconds(3)));

        assertTimeoutPreemptively(Duration.ofMillis(2500), () -> {
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                    .createStreaming(ask("gpt-slow", "count").build())) {
                OpenAIServiceException error = assertThrows(OpenAIServiceException.class,
                        () -> stream.stream().forEach(chunk -> { }));
                assertTrue(error.code().orElseThrow().startsWith("upstream_"), error.code().toString());
            }
        });
    }

    // ---- fallback -------------------------------------------------------------------------------------

    @Test
    void fallbackRouteAnswersFromTheSecondTargetWhenTheFirstReturns500() {
        upstream.enqueueFor("primary-upstream", Reply.serverError());
        upstream.enqueueFor("backup-upstream", Reply.text("Backup", " answer."));

        HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse()
                .create(ask("gpt-fallback", "hi").build());

        assertEquals(200, raw.statusCode());
        assertEquals("Backup answer.", raw.parse().choices().getFirst().message().content().orElseThrow());
        assertEquals("2", header(raw, "x-tollgate-attempts"));
        assertEquals("backup-upstream", header(raw, "x-tollgate-model"));
        assertEquals(List.of("primary-upstream", "backup-upstream"),
                upstream.requests().stream().map(r -> r.json().path("model").asText()).toList());
        assertTrue(upstream.requests().stream().allMatch(r -> ("Bearer " + PROVIDER_KEY).equals(r.header("Authorization"))));

        JsonNode line = gateway.requestLine(header(raw, "x-request-id"));
        assertEquals(2, line.path("attempts").asInt());
        assertEquals("upstream_server_error", line.path("failed_attempts").path(0).path("code").asText());
    }

    @Test
    void fallbackRouteStreamsFromTheSecondTargetWhenTheFirstReturns500() {
        upstream.enqueueFor("primary-upstream", Reply.serverError());
        upstream.enqueueFor("backup-upstream", Reply.text("Streamed", " backup."));

        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(ask("gpt-fallback", "hi").build())) {
            chunks = stream.stream().toList();
        }

        assertEquals(List.of("Streamed", " backup."), contentDeltas(chunks));
        assertEquals(2, upstream.requests().size());
    }

    // ---- (h) the provider key stays inside ------------------------------------------------------------

    @Test
    void upstreamErrorTextQuotingTheProviderKeyIsPassedOnRedacted() {
        upstream.enqueue(Reply.error(400, "invalid_request_error", "invalid_value",
                "Invalid 'temperature' for key " + PROVIDER_KEY + ": expected at most 2."));

        BadRequestException error = expectError(BadRequestException.class,
                () -> client.chat().completions().create(ask("gpt-test", "hi").build()));

        assertEquals(400, error.statusCode());
        String message = error.body().toString();
        assertTrue(message.contains("[redacted]"), message);
        assertTrue(message.contains("temperature"), "the useful part of the upstream message survives: " + message);
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void providerKeyNeverAppearsInAnyLogLineOrClientVisibleResponse() {
        // Run last so the scan covers every exchange of the class; this call alone also exercises the
        // upstream-rejects-our-key path, whose upstream error text quotes the key.
        upstream.enqueue(Reply.error(401, "invalid_request_error", "invalid_api_key",
                "Incorrect API key provided: " + PROVIDER_KEY + ". You can find your API key at https://example.invalid."));
        InternalServerException error = expectError(InternalServerException.class,
                () -> client.chat().completions().create(ask("gpt-test", "hi").build()));
        assertEquals("upstream_auth_failed", error.code().orElseThrow());

        String wire = tap.downstreamText();
        List<String> logs = gateway.logLines();
        assertTrue(wire.contains("HTTP/1.1 502"), "the tap saw the traffic");
        assertFalse(logs.isEmpty());
        assertAll("provider key leaks",
                () -> assertFalse(wire.contains(PROVIDER_KEY), "in a response seen by a client"),
                () -> assertTrue(logs.stream().noneMatch(l -> l.contains(PROVIDER_KEY)), "in a log line"),
                () -> assertTrue(surfacedToApplication.stream().noneMatch(s -> s.contains(PROVIDER_KEY)),
                        "in an SDK exception"));
    }

    private static HttpResponse<String> postChat(String key, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tap.port() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void upstreamHtmlErrorPageStillReachesTheSdkAsAnOpenAiShapedError() {
        // Proxies in front of providers answer with HTML; the client must still get an error it can parse.
        upstream.enqueue(Reply.rawError(503, "<html>upstream proxy error</html>"));
        OpenAIServiceException error = expectError(OpenAIServiceException.class,
                () -> client.chat().completions().create(ask("gpt-test", "hi").build()));
        assertInstanceOf(InternalServerException.class, error);
        assertEquals(502, error.statusCode());
        assertEquals("upstream_server_error", error.code().orElseThrow());
    }
}
