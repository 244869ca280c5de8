package dev.tollgate.e2e;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.InternalServerException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.errors.SseException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.Metadata;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.auth.GatewayKeys;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.core.Gateway;
import dev.tollgate.core.GatewayFactory;
import dev.tollgate.fakes.FakeOpenAiServer;
import dev.tollgate.fakes.FakeOpenAiServer.Reply;
import dev.tollgate.fakes.FakeOpenAiServer.ToolCall;
import dev.tollgate.log.RequestLog;
import dev.tollgate.router.LocalServer;
import dev.tollgate.secrets.CredentialResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The official Anthropic Java SDK, unmodified, against the gateway's {@code /v1/messages} on the local server:
 * routed to the built-in mock provider and to an OpenAI-format fake upstream on loopback.
 */
@Timeout(60)
class AnthropicSdkEndToEndTest {

    private static final String KEY = "tg-e2e-anthropic-key";
    private static final String UPSTREAM_KEY = "sk-fake-upstream";
    private static final List<String> LOG = new CopyOnWriteArrayList<>();

    private static final String ANTHROPIC_KEY = "sk-ant-fake-upstream";
    private static FakeOpenAiServer upstream;
    private static dev.tollgate.fakes.FakeAnthropicServer anthropic;
    private static LocalServer server;
    private static AnthropicClient client;

    @BeforeAll
    static void start() throws IOException {
        upstream = FakeOpenAiServer.start();
        anthropic = new dev.tollgate.fakes.FakeAnthropicServer(ANTHROPIC_KEY);
        GatewayConfig config = ConfigLoader.validate(ConfigLoader.readRaw("""
                models:
                  - name: demo
                    targets: [{provider: mock, model: mock-fast}]
                  - name: upstream
                    policy: {retries: 0, cooldown_ms: 0}   # each test scripts the upstream's answers one by one
                    targets:
                      - {provider: openai, model: gpt-fake, base_url: "%s", credential: "env:FAKE_UPSTREAM_KEY", timeout_ms: 5000}
                  - name: claude
                    policy: {retries: 0, cooldown_ms: 0}
                    targets:
                      - {provider: anthropic, model: claude-sonnet-4-5, base_url: "%s", credential: "env:ANTHROPIC_KEY"}
                keys:
                  - id: e2e
                    sha256: %s
                """.formatted(upstream.baseUrl(), anthropic.baseUrl(), GatewayKeys.sha256(KEY)), "e2e"), "e2e");
        Gateway gateway = new Gateway(config, GatewayFactory.providers(Clock.systemUTC()),
                new CredentialResolver(Map.of("FAKE_UPSTREAM_KEY", UPSTREAM_KEY, "ANTHROPIC_KEY", ANTHROPIC_KEY), null, null), new RequestLog(LOG::add));
        server = new LocalServer(gateway, "127.0.0.1", 0).start();
        client = client(KEY);
    }

    private static AnthropicClient client(String key) {
        return AnthropicOkHttpClient.builder().baseUrl("http://127.0.0.1:" + server.port()).apiKey(key)
                .maxRetries(0).timeout(Duration.ofSeconds(30)).build();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (anthropic != null) {
            anthropic.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void resetUpstream() {
        upstream.reset();
    }

    private static MessageCreateParams.Builder ask(String model, String text) {
        return MessageCreateParams.builder().model(model).maxTokens(256).addUserMessage(text);
    }

    private static String text(Message message) {
        return message.content().stream().filter(ContentBlock::isText).map(block -> block.asText().text())
                .collect(Collectors.joining());
    }

    private static Tool weatherTool() {
        return Tool.builder().name("get_weather").description("Current weather for a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .required(List.of("city")).build())
                .build();
    }

    /** Streams a request, returning the accumulated message and the text deltas joined in arrival order. */
    private static Streamed stream(MessageCreateParams params) {
        MessageAccumulator accumulator = MessageAccumulator.create();
        StringBuilder deltas = new StringBuilder();
        try (StreamResponse<RawMessageStreamEvent> events = client.messages().createStreaming(params)) {
            events.stream().forEach(event -> {
                accumulator.accumulate(event);
                event.contentBlockDelta().flatMap(delta -> delta.delta().text())
                        .ifPresent(text -> deltas.append(text.text()));
            });
        }
        return new Streamed(accumulator.message(), deltas.toString());
    }

    private record Streamed(Message message, String text) {
    }

    @Test
    void messageThroughAnAnthropicUpstreamRoundTripsBothTranslations() {
        anthropic.enqueue(dev.tollgate.fakes.FakeAnthropicServer.message("claude-sonnet-4-5", "Hello from Claude", 25, 4));
        Message message = client.messages().create(ask("claude", "Hi Claude").system("Be brief.").build());
        assertEquals("Hello from Claude", text(message));
        assertEquals("claude", message.model().asString());
        assertEquals(StopReason.END_TURN, message.stopReason().orElseThrow());
        assertEquals(25, message.usage().inputTokens());
        assertEquals(4, message.usage().outputTokens());
        var received = anthropic.lastReceived();
        assertEquals(ANTHROPIC_KEY, received.headers().get("x-api-key"), "the provider key, not the gateway key");
        assertEquals("Be brief.", received.body().path("system").isTextual() ? received.body().path("system").asText()
                : received.body().path("system").path(0).path("text").asText());
    }

    @Test
    void streamedMessageThroughAnAnthropicUpstream() {
        anthropic.enqueue(dev.tollgate.fakes.FakeAnthropicServer.textStream("claude-sonnet-4-5",
                List.of("Streamed ", "through ", "two translations"), 30, 10, 5));
        Streamed streamed = stream(ask("claude", "Stream please").build());
        assertEquals("Streamed through two translations", streamed.text());
        assertEquals("Streamed through two translations", text(streamed.message()));
        assertEquals(StopReason.END_TURN, streamed.message().stopReason().orElseThrow());
        assertEquals(30, streamed.message().usage().inputTokens());
        assertEquals(10, streamed.message().usage().cacheReadInputTokens().orElseThrow());
        assertEquals(5, streamed.message().usage().outputTokens());
    }

    @Test
    void messageThroughTheMockProvider() {
        Message message = client.messages().create(ask("demo", "Hello").build());
        assertEquals("This is Tollgate's mock provider. You said: Hello", text(message));
        assertEquals("demo", message.model().asString());
        assertTrue(message.id().startsWith("msg_"), message.id());
        assertEquals(StopReason.END_TURN, message.stopReason().orElseThrow());
        assertTrue(message.usage().inputTokens() > 0);
        assertEquals(8, message.usage().outputTokens());
    }

    @Test
    void messageThroughAnOpenAiFormatUpstreamArrivesTranslated() {
        upstream.enqueue(Reply.text("Bonjour from upstream").usage(20, 3, 8));
        Message message = client.messages().create(ask("upstream", "Say hello in French")
                .system("Be brief.").stopSequences(List.of("END"))
                .metadata(Metadata.builder().userId("user-1").build())
                .putAdditionalBodyProperty("temperature", JsonValue.from(0.2))
                .build());
        assertEquals("Bonjour from upstream", text(message));
        assertEquals("upstream", message.model().asString(), "the public model name, not the upstream's");
        assertEquals(12, message.usage().inputTokens(), "20 prompt tokens, 8 of them cached reads");
        assertEquals(8, message.usage().cacheReadInputTokens().orElseThrow());
        assertEquals(0, message.usage().cacheCreationInputTokens().orElseThrow());
        assertEquals(3, message.usage().outputTokens());

        JsonNode sent = upstream.lastRequest().json();
        assertEquals("gpt-fake", sent.get("model").asText());
        assertEquals("system", sent.at("/messages/0/role").asText());
        assertEquals("Be brief.", sent.at("/messages/0/content").asText());
        assertEquals("Say hello in French", sent.at("/messages/1/content").asText());
        assertEquals(256, sent.get("max_tokens").asInt());
        assertEquals("END", sent.at("/stop/0").asText());
        assertEquals("user-1", sent.get("user").asText());
        assertEquals(0.2, sent.get("temperature").asDouble());
        assertEquals("Bearer " + UPSTREAM_KEY, upstream.lastRequest().header("Authorization"));
    }

    @Test
    void streamedMessageFromTheMockProvider() {
        Streamed streamed = stream(ask("demo", "Stream me").build());
        assertEquals("This is Tollgate's mock provider. You said: Stream me", streamed.text());
        assertEquals(streamed.text(), text(streamed.message()));
        assertEquals(StopReason.END_TURN, streamed.message().stopReason().orElseThrow());
        assertEquals(9, streamed.message().usage().outputTokens());
        assertTrue(streamed.message().usage().inputTokens() > 0, "final usage carries the input tokens");
    }

    @Test
    void streamedMessageFromTheUpstreamWithFinalUsage() {
        upstream.enqueue(Reply.text("one", " two", " three", " four").usage(40, 4, 16));
        Streamed streamed = stream(ask("upstream", "Count").build());
        assertEquals("one two three four", streamed.text());
        assertEquals(24, streamed.message().usage().inputTokens());
        assertEquals(16, streamed.message().usage().cacheReadInputTokens().orElseThrow());
        assertEquals(4, streamed.message().usage().outputTokens());
        assertTrue(upstream.lastRequest().json().get("stream").asBoolean());
        assertTrue(upstream.lastRequest().json().at("/stream_options/include_usage").asBoolean());
    }

    @Test
    void toolUseRoundTrip() {
        upstream.enqueue(Reply.toolCalls(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}")));
        MessageCreateParams first = ask("upstream", "What's the weather in Paris?").addTool(weatherTool()).build();
        Message asked = client.messages().create(first);
        assertEquals(StopReason.TOOL_USE, asked.stopReason().orElseThrow());
        ToolUseBlock toolUse = asked.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow()
                .asToolUse();
        assertEquals("call_1", toolUse.id());
        assertEquals("get_weather", toolUse.name());
        assertEquals(Map.of("city", "Paris"), toolUse._input().convert(Map.class));
        JsonNode firstSent = upstream.lastRequest().json();
        assertEquals("get_weather", firstSent.at("/tools/0/function/name").asText());
        assertEquals("string", firstSent.at("/tools/0/function/parameters/properties/city/type").asText());

        upstream.enqueue(Reply.text("It is 18C and sunny in Paris."));
        Message answered = client.messages().create(first.toBuilder()
                .addMessage(asked)
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(
                        ToolResultBlockParam.builder().toolUseId(toolUse.id()).content("18C, sunny").build())))
                .build());
        assertEquals("It is 18C and sunny in Paris.", text(answered));
        JsonNode secondSent = upstream.lastRequest().json();
        assertEquals("assistant", secondSent.at("/messages/1/role").asText());
        assertEquals("call_1", secondSent.at("/messages/1/tool_calls/0/id").asText());
        assertEquals("{\"city\":\"Paris\"}", secondSent.at("/messages/1/tool_calls/0/function/arguments").asText());
        assertEquals("tool", secondSent.at("/messages/2/role").asText());
        assertEquals("call_1", secondSent.at("/messages/2/tool_call_id").asText());
        assertEquals("18C, sunny", secondSent.at("/messages/2/content").asText());
    }

    @Test
    void streamedToolUseArrivesAsAToolUseBlockWithParsedInput() {
        upstream.enqueue(Reply.toolCalls(new ToolCall("call_7", "get_weather", "{\"city\":\"Lyon\"}")));
        Streamed streamed = stream(ask("upstream", "Weather in Lyon?").addTool(weatherTool()).build());
        assertEquals(StopReason.TOOL_USE, streamed.message().stopReason().orElseThrow());
        ToolUseBlock toolUse = streamed.message().content().getFirst().asToolUse();
        assertEquals("call_7", toolUse.id());
        assertEquals(Map.of("city", "Lyon"), toolUse._input().convert(Map.class));
    }

    @Test
    void upstreamServerErrorIsA502WithAnAnthropicErrorBody() {
        upstream.enqueue(Reply.rawError(500, "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\",\"code\":null}}"));
        InternalServerException e = assertThrows(InternalServerException.class,
                () -> client.messages().create(ask("upstream", "x").build()));
        assertEquals(502, e.statusCode());
        assertAnthropicError(e, "api_error");
    }

    @Test
    void upstreamRateLimitIsA429WithRetryAfter() {
        upstream.enqueue(Reply.rawError(429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\","
                + "\"code\":\"rate_limit_exceeded\"}}").header("retry-after", "7"));
        RateLimitException e = assertThrows(RateLimitException.class,
                () -> client.messages().create(ask("upstream", "x").build()));
        assertAnthropicError(e, "rate_limit_error");
        assertEquals(List.of("7"), e.headers().values("retry-after"));
    }

    @Test
    void wrongKeyIsA401() {
        AnthropicClient wrong = client("tg-not-a-key");
        try {
            UnauthorizedException e = assertThrows(UnauthorizedException.class,
                    () -> wrong.messages().create(ask("demo", "x").build()));
            assertEquals(401, e.statusCode());
            assertAnthropicError(e, "authentication_error");
        } finally {
            wrong.close();
        }
    }

    @Test
    void unknownModelIsA404() {
        NotFoundException e = assertThrows(NotFoundException.class,
                () -> client.messages().create(ask("no-such-model", "x").build()));
        assertAnthropicError(e, "not_found_error");
        assertTrue(e.getMessage().contains("no-such-model"), e.getMessage());
    }

    @Test
    void upstreamStreamCutMidWayRaisesInTheSdkInsteadOfEndingCleanly() {
        upstream.enqueue(Reply.text("this", " answer", " will", " not", " finish").breakAfterChunks(3));
        SseException e = assertThrows(SseException.class, () -> stream(ask("upstream", "x").build()));
        assertAnthropicError(e, "api_error");
    }

    @Test
    void malformedUpstreamChunkRaisesInTheSdk() {
        upstream.enqueue(Reply.text("a", " b", " c").malformedAfterChunks(2));
        SseException e = assertThrows(SseException.class, () -> stream(ask("upstream", "x").build()));
        assertAnthropicError(e, "api_error");
    }

    private static void assertAnthropicError(AnthropicServiceException e, String type) {
        Map<?, ?> body = e.body().convert(Map.class);
        assertEquals("error", body.get("type"), body.toString());
        Map<?, ?> error = (Map<?, ?>) body.get("error");
        assertEquals(type, error.get("type"), body.toString());
        assertTrue(error.get("message") instanceof String message && !message.isBlank(), body.toString());
    }
}
