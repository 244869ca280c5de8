package dev.tollgate.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.OpenAIException;
import com.openai.errors.RateLimitException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.tollgate.auth.GatewayKeys;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.core.Gateway;
import dev.tollgate.core.GatewayFactory;
import dev.tollgate.fakes.FakeAnthropicServer;
import dev.tollgate.log.RequestLog;
import dev.tollgate.router.LocalServer;
import dev.tollgate.secrets.CredentialResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway, driven by the official OpenAI Java SDK, in front of a fake Anthropic Messages API on loopback:
 * OpenAI requests become Anthropic requests and Anthropic answers, streams and faults come back as the OpenAI
 * SDK expects them.
 */
class AnthropicProviderEndToEndTest {

    private static final String GATEWAY_KEY = "tg-e2e-anthropic";
    private static final String ANTHROPIC_KEY = "sk-ant-api03-e2e-fake-key";
    private static final String MODEL = "claude-sonnet-4-5-20250929";

    private FakeAnthropicServer anthropic;
    private LocalServer server;
    private OpenAIClient client;
    private final List<String> logLines = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        anthropic = new FakeAnthropicServer(ANTHROPIC_KEY);
        // Retries and cooldowns off: each test scripts the fake's answers one by one (routing has its own tests).
        String yaml = """
                models:
                  - name: claude
                    policy: {retries: 0, cooldown_ms: 0}
                    targets:
                      - {provider: anthropic, model: %1$s, base_url: "%2$s", credential: "env:ANTHROPIC_KEY"}
                  - name: claude-or-mock
                    policy: {retries: 0, cooldown_ms: 0}
                    targets:
                      - {provider: anthropic, model: %1$s, base_url: "%2$s", credential: "env:ANTHROPIC_KEY"}
                      - {provider: mock, model: mock-backup, options: {reply: "the backup answered"}}
                  - name: claude-slow-or-mock
                    policy: {retries: 0, cooldown_ms: 0}
                    targets:
                      - {provider: anthropic, model: %1$s, base_url: "%2$s", credential: "env:ANTHROPIC_KEY", timeout_ms: 300}
                      - {provider: mock, model: mock-backup, options: {reply: "the backup answered"}}
                  - name: claude-wrong-key
                    policy: {retries: 0, cooldown_ms: 0}
                    targets:
                      - {provider: anthropic, model: %1$s, base_url: "%2$s", credential: "env:WRONG_KEY"}
                keys:
                  - id: e2e
                    sha256: %3$s
                """.formatted(MODEL, anthropic.baseUrl(), GatewayKeys.sha256(GATEWAY_KEY));
        GatewayConfig config = ConfigLoader.validate(ConfigLoader.readRaw(yaml, "test"), "test");
        Gateway gateway = new Gateway(config, GatewayFactory.providers(Clock.systemUTC()),
                new CredentialResolver(Map.of("ANTHROPIC_KEY", ANTHROPIC_KEY, "WRONG_KEY", "sk-ant-wrong-key-123"),
                        null, null),
                new RequestLog(logLines::add));
        server = new LocalServer(gateway, "127.0.0.1", 0).start();
        client = OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + server.port() + "/v1")
                .apiKey(GATEWAY_KEY)
                .maxRetries(0)
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
        anthropic.close();
    }

    private static ChatCompletionCreateParams.Builder params(String model) {
        return ChatCompletionCreateParams.builder().model(model)
                .addSystemMessage("You are terse.")
                .addUserMessage("Say hello.");
    }

    @Test
    void normalCallIsTranslatedBothWays() {
        anthropic.enqueue(FakeAnthropicServer.message(MODEL, "Hello! I'm Claude.", 21, 7));

        ChatCompletion completion = client.chat().completions().create(params("claude").maxCompletionTokens(300).build());

        assertEquals("Hello! I'm Claude.", completion.choices().getFirst().message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, completion.choices().getFirst().finishReason());
        assertEquals(MODEL, completion.model());
        assertEquals(21, completion.usage().orElseThrow().promptTokens());
        assertEquals(7, completion.usage().orElseThrow().completionTokens());

        FakeAnthropicServer.Received sent = anthropic.lastReceived();
        assertEquals("POST", sent.method());
        assertEquals("/v1/messages", sent.path());
        assertEquals(ANTHROPIC_KEY, sent.headers().get("x-api-key"));
        assertEquals("2023-06-01", sent.headers().get("anthropic-version"));
        assertTrue(sent.headers().get("content-type").startsWith("application/json"));
        assertFalse(sent.headers().containsKey("authorization"), "the gateway key never reaches Anthropic");
        assertEquals(MODEL, sent.body().get("model").asText());
        assertEquals(300, sent.body().get("max_tokens").asLong());
        assertEquals("You are terse.", sent.body().at("/system/0/text").asText());
        assertEquals("user", sent.body().at("/messages/0/role").asText());
        assertEquals("Say hello.", sent.body().at("/messages/0/content/0/text").asText());
        assertEquals(1, sent.body().get("messages").size());
    }

    @Test
    void streamedCallJoinsTextEndsWithFinishReasonAndReportsUsage() {
        anthropic.enqueue(FakeAnthropicServer.textStream(MODEL, List.of("Hel", "lo", ", world"), 12, 2048, 5));
        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        ChatCompletionCreateParams request = params("claude")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(request)) {
            stream.stream().forEach(chunk -> {
                chunks.add(chunk);
                chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append));
            });
        }
        assertEquals("Hello, world", text.toString());
        ChatCompletionChunk finish = chunks.get(chunks.size() - 2);
        assertEquals(ChatCompletionChunk.Choice.FinishReason.STOP, finish.choices().getFirst().finishReason().orElseThrow());
        ChatCompletionChunk usage = chunks.getLast();
        assertTrue(usage.choices().isEmpty());
        assertEquals(12 + 2048, usage.usage().orElseThrow().promptTokens(), "cache reads count as prompt tokens");
        assertEquals(2048, usage.usage().orElseThrow().promptTokensDetails().orElseThrow().cachedTokens().orElseThrow());
        assertEquals(5, usage.usage().orElseThrow().completionTokens());
        assertTrue(anthropic.lastReceived().body().get("stream").asBoolean());
        assertTrue(logLines.getLast().contains("\"prompt_tokens\":2060"), logLines.getLast());
    }

    @Test
    void toolCallRoundTripsThroughToolUseAndToolResult() {
        anthropic.enqueue(FakeAnthropicServer.toolUse(MODEL, "Let me check.", "toolu_01A09q90qw90lq917835lq9",
                "get_weather", "{\"location\":\"Paris\"}"));
        ChatCompletionFunctionTool weather = ChatCompletionFunctionTool.builder()
                .function(FunctionDefinition.builder().name("get_weather").description("Current weather")
                        .parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(Map.of("location", Map.of("type", "string"))))
                                .build())
                        .build())
                .build();
        ChatCompletionCreateParams first = ChatCompletionCreateParams.builder().model("claude")
                .addUserMessage("Weather in Paris?").addTool(weather).build();

        ChatCompletion completion = client.chat().completions().create(first);

        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, completion.choices().getFirst().finishReason());
        ChatCompletionMessageFunctionToolCall call = completion.choices().getFirst().message().toolCalls().orElseThrow()
                .getFirst().asFunction();
        assertEquals("toolu_01A09q90qw90lq917835lq9", call.id());
        assertEquals("get_weather", call.function().name());
        assertEquals("{\"location\":\"Paris\"}", call.function().arguments());
        JsonNode sentTools = anthropic.lastReceived().body().get("tools");
        assertEquals("get_weather", sentTools.at("/0/name").asText());
        assertEquals("object", sentTools.at("/0/input_schema/type").asText());

        anthropic.enqueue(FakeAnthropicServer.message(MODEL, "It is 18C in Paris.", 520, 9));
        ChatCompletionCreateParams second = first.toBuilder()
                .addMessage(completion.choices().getFirst().message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("18C").build())
                .build();
        assertEquals("It is 18C in Paris.",
                client.chat().completions().create(second).choices().getFirst().message().content().orElseThrow());
        JsonNode messages = anthropic.lastReceived().body().get("messages");
        assertEquals(3, messages.size());
        assertEquals("tool_use", messages.at("/1/content/1/type").asText());
        assertEquals("Paris", messages.at("/1/content/1/input/location").asText());
        assertEquals("tool_result", messages.at("/2/content/0/type").asText());
        assertEquals(call.id(), messages.at("/2/content/0/tool_use_id").asText());
        assertEquals("18C", messages.at("/2/content/0/content").asText());
    }

    @Test
    void streamedToolCallArrivesAsHeaderThenArguments() {
        anthropic.enqueue(FakeAnthropicServer.toolUseStream(MODEL, "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "get_weather",
                List.of("{\"location\":", " \"San Francisco, CA\"", "}")));
        StringBuilder arguments = new StringBuilder();
        List<String> names = new ArrayList<>();
        List<ChatCompletionChunk.Choice.FinishReason> reasons = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(ChatCompletionCreateParams.builder().model("claude").addUserMessage("Weather?").build())) {
            stream.stream().flatMap(chunk -> chunk.choices().stream()).forEach(choice -> {
                choice.finishReason().ifPresent(reasons::add);
                choice.delta().toolCalls().orElse(List.of()).forEach(call -> {
                    assertEquals(0, call.index());
                    call.function().flatMap(ChatCompletionChunk.Choice.Delta.ToolCall.Function::name).ifPresent(names::add);
                    call.function().flatMap(ChatCompletionChunk.Choice.Delta.ToolCall.Function::arguments)
                            .ifPresent(arguments::append);
                });
            });
        }
        assertEquals(List.of("get_weather"), names);
        assertEquals("{\"location\": \"San Francisco, CA\"}", arguments.toString());
        assertEquals(List.of(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS), reasons);
    }

    @Test
    void rateLimitBecomesTheSdksRateLimitExceptionWithRetryAfter() {
        anthropic.enqueue(FakeAnthropicServer.error(429, "rate_limit_error",
                "Number of request tokens has exceeded your per-minute rate limit").withHeader("retry-after", "7"));

        RateLimitException e = assertThrows(RateLimitException.class,
                () -> client.chat().completions().create(params("claude").build()));

        assertEquals(429, e.statusCode());
        assertEquals(List.of("7"), e.headers().values("retry-after"));
        assertEquals("rate_limit_exceeded", e.code().orElseThrow());
    }

    @Test
    void overloadedAnthropicFallsBackToTheNextTarget() {
        anthropic.enqueue(FakeAnthropicServer.error(529, "overloaded_error", "Overloaded"));

        HttpResponseFor<ChatCompletion> response = client.chat().completions().withRawResponse()
                .create(params("claude-or-mock").build());

        assertEquals(200, response.statusCode());
        assertEquals("the backup answered", response.parse().choices().getFirst().message().content().orElseThrow());
        assertEquals(List.of("mock"), response.headers().values("x-tollgate-provider"));
        assertEquals(List.of("2"), response.headers().values("x-tollgate-attempts"));
        assertEquals(1, anthropic.received().size());
    }

    @Test
    void slowAnthropicTimesOutAndFallsBackToTheNextTarget() {
        anthropic.enqueue(FakeAnthropicServer.message(MODEL, "too late", 10, 2).withLatency(Duration.ofMillis(1500)));

        HttpResponseFor<ChatCompletion> response = client.chat().completions().withRawResponse()
                .create(params("claude-slow-or-mock").build());

        assertEquals("the backup answered", response.parse().choices().getFirst().message().content().orElseThrow());
        assertEquals(List.of("2"), response.headers().values("x-tollgate-attempts"));
    }

    @Test
    void parameterAnthropicCannotHonourFallsBackAndIsNeverSentToAnthropic() {
        HttpResponseFor<ChatCompletion> response = client.chat().completions().withRawResponse()
                .create(params("claude-or-mock").n(2).build());
        assertEquals(List.of("mock"), response.headers().values("x-tollgate-provider"));
        assertTrue(anthropic.received().isEmpty());

        BadRequestException e = assertThrows(BadRequestException.class,
                () -> client.chat().completions().create(params("claude").n(2).build()));
        assertEquals("unsupported_parameter", e.code().orElseThrow());
        assertTrue(e.getMessage().contains("'n'"), e.getMessage());
    }

    @Test
    void rejectedProviderKeyIsAGatewayErrorThatNeverEchoesTheKey() {
        OpenAIException e = assertThrows(OpenAIException.class,
                () -> client.chat().completions().create(params("claude-wrong-key").build()));
        assertFalse(e.getMessage().contains("sk-ant-wrong-key-123"), e.getMessage());
        assertTrue(e.getMessage().contains("upstream_auth_failed") || e.getMessage().contains("rejected"), e.getMessage());
    }

    @Test
    void streamCutMidWayMakesTheSdkFailInsteadOfReturningATruncatedAnswer() {
        anthropic.enqueue(FakeAnthropicServer.textStream(MODEL, List.of("The answer", " is", " forty-two."), 10, 0, 6)
                .cutAfter(4));
        assertStreamFails("The answer");
    }

    @Test
    void errorEventAfterTheOkMakesTheSdkFail() {
        anthropic.enqueue(FakeAnthropicServer.textStream(MODEL, List.of("The answer", " is", " forty-two."), 10, 0, 6)
                .errorAfter(4, "overloaded_error", "Overloaded"));
        assertStreamFails("The answer");
    }

    @Test
    void malformedChunkMakesTheSdkFail() {
        anthropic.enqueue(FakeAnthropicServer.textStream(MODEL, List.of("The answer", " is", " forty-two."), 10, 0, 6)
                .malformedAt(4));
        assertStreamFails("The answer");
    }

    /** The SDK throws while iterating; what it saw before is only the part sent before the break. */
    private void assertStreamFails(String expectedPrefix) {
        StringBuilder text = new StringBuilder();
        assertThrows(OpenAIException.class, () -> {
            try (StreamResponse<ChatCompletionChunk> stream =
                         client.chat().completions().createStreaming(params("claude").build())) {
                stream.stream().forEach(chunk ->
                        chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
            }
        });
        assertEquals(expectedPrefix, text.toString());
        assertNotEquals("The answer is forty-two.", text.toString());
        // A cut or unreadable stream is "upstream_stream_broken"; an error event says what broke (e.g. overloaded).
        assertTrue(logLines.getLast().matches(".*\"outcome\":\"upstream_(stream_broken|overloaded)\".*"),
                logLines.getLast());
    }
}
