package dev.tollgate.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.OpenAIException;
import com.openai.errors.RateLimitException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import dev.tollgate.auth.GatewayKeys;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.core.Gateway;
import dev.tollgate.core.GatewayFactory;
import dev.tollgate.fakes.FakeBedrockServer;
import dev.tollgate.fakes.FakeBedrockServer.Reply;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.log.RequestLog;
import dev.tollgate.router.LambdaHandler;
import dev.tollgate.router.LocalServer;
import dev.tollgate.secrets.CredentialResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The official OpenAI Java SDK against the gateway, routed to a fake Bedrock Runtime that speaks the real
 * REST-JSON and event-stream protocols, through the real AWS SDK client (SigV4 with dummy credentials, or a
 * bearer API key).
 */
class BedrockProviderEndToEndTest {

    private static final String GATEWAY_KEY = "tg-bedrock-e2e";
    private static final String MODEL_ID = "anthropic.claude-3-5-haiku-20241022-v1:0";
    private static final String API_KEY = "bedrock-api-key-e2e-123";
    private static final List<String> LOG = new CopyOnWriteArrayList<>();

    private static FakeBedrockServer fake;
    private static LocalServer server;
    private static OpenAIClient client;
    private static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        // SigV4 needs some credentials; ./tollgate test exports dummy ones, a targeted run may not.
        if (System.getenv("AWS_ACCESS_KEY_ID") == null) {
            FakeBedrockServer.dummyAwsCredentials().forEach(System::setProperty);
        }
        fake = new FakeBedrockServer();
        // Retries and cooldowns off: each test scripts the fake's answers one by one (routing has its own tests).
        String yaml = """
                models:
                  - name: claude
                    policy: {retries: 0, cooldown_ms: 0}
                    targets:
                      - provider: bedrock
                        model: "%1$s"
                        base_url: %2$s
                        timeout_ms: 5000
                        options: {region: us-east-1}
                  - name: claude-with-key
                    policy: {retries: 0, cooldown_ms: 0}
                    targets:
                      - provider: bedrock
                        model: "%1$s"
                        base_url: %2$s
                        credential: env:BEDROCK_API_KEY
                        options: {region: eu-west-1}
                  - name: claude-impatient
                    policy: {retries: 0, cooldown_ms: 0}
                    targets:
                      - provider: bedrock
                        model: "%1$s"
                        base_url: %2$s
                        timeout_ms: 300
                        options: {region: us-east-1}
                keys:
                  - id: e2e
                    sha256: %3$s
                """.formatted(MODEL_ID, fake.baseUrl(), GatewayKeys.sha256(GATEWAY_KEY));
        GatewayConfig config = ConfigLoader.validate(ConfigLoader.readRaw(yaml, "test"), "test");
        gateway = new Gateway(config, GatewayFactory.providers(Clock.systemUTC()),
                new CredentialResolver(Map.of("BEDROCK_API_KEY", API_KEY), null, null), new RequestLog(LOG::add));
        server = new LocalServer(gateway, "127.0.0.1", 0).start();
        client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + server.port() + "/v1")
                .apiKey(GATEWAY_KEY).maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (fake != null) {
            fake.close();
        }
    }

    @BeforeEach
    void resetFake() {
        fake.reset();
        LOG.clear();
    }

    /** The request summary is written once the stream is over, which may be just after the client saw its end. */
    private static String awaitLog(String fragment) {
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (String line : LOG) {
                if (line.contains(fragment)) {
                    return line;
                }
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("no log line with " + fragment + " in " + LOG);
    }

    private static ChatCompletionCreateParams.Builder ask(String model, String text) {
        return ChatCompletionCreateParams.builder().model(model).addSystemMessage("Be brief.").addUserMessage(text);
    }

    @Test
    void aWholeAnswerComesBackInOpenAiFormatWithCacheInclusiveUsage() {
        fake.enqueue(Reply.text("Paris is the capital of France.").usage(20, 8, 100, 30));

        ChatCompletion completion = client.chat().completions().create(
                ask("claude", "Capital of France?").maxCompletionTokens(64).temperature(0.2).build());

        assertEquals("Paris is the capital of France.", completion.choices().getFirst().message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, completion.choices().getFirst().finishReason());
        assertEquals(150, completion.usage().orElseThrow().promptTokens(), "20 uncached + 100 read + 30 written");
        assertEquals(8, completion.usage().orElseThrow().completionTokens());
        assertEquals(100, completion.usage().orElseThrow().promptTokensDetails().orElseThrow().cachedTokens().orElseThrow());

        FakeBedrockServer.Recorded seen = fake.lastRequest();
        assertEquals("converse", seen.operation());
        assertEquals(MODEL_ID, seen.modelId());
        assertTrue(seen.authorization().startsWith("AWS4-HMAC-SHA256 "), "SigV4 from the default chain");
        assertTrue(seen.authorization().contains("/us-east-1/bedrock/aws4_request"), "signed for the option's region");
        assertEquals("Be brief.", seen.body().at("/system/0/text").asText());
        assertEquals("user", seen.body().at("/messages/0/role").asText());
        assertEquals("Capital of France?", seen.body().at("/messages/0/content/0/text").asText());
        assertEquals(64, seen.body().at("/inferenceConfig/maxTokens").asInt());
    }

    @Test
    void aStreamedAnswerArrivesAsChunksWithFinishReasonAndTheRequestedUsage() {
        fake.enqueue(Reply.text("One two three four.").usage(12, 5, 0, 0));

        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ask("claude", "Count.").streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                        .build())) {
            stream.stream().forEach(chunk -> {
                chunks.add(chunk);
                chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append));
            });
        }

        assertEquals("One two three four.", text.toString());
        assertTrue(chunks.size() >= 5, "one chunk per upstream delta, not one blob: " + chunks.size());
        assertTrue(chunks.stream().flatMap(c -> c.choices().stream())
                .anyMatch(c -> ChatCompletionChunk.Choice.FinishReason.STOP.equals(c.finishReason().orElse(null))));
        ChatCompletionChunk last = chunks.getLast();
        assertTrue(last.choices().isEmpty(), "usage chunk last, with no choices");
        assertEquals(12, last.usage().orElseThrow().promptTokens());
        assertEquals(5, last.usage().orElseThrow().completionTokens());
        assertEquals("converse-stream", fake.lastRequest().operation());
    }

    @Test
    void aStreamWithoutIncludeUsageHasNoUsageChunkButTheGatewayStillMetersIt() {
        fake.enqueue(Reply.text("Short answer.").usage(9, 3, 4, 0));

        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ask("claude", "Hi").build())) {
            stream.stream().forEach(chunks::add);
        }

        assertTrue(chunks.stream().noneMatch(c -> c.usage().isPresent()));
        String summary = awaitLog("\"outcome\":\"ok\"");
        assertTrue(summary.contains("\"prompt_tokens\":13") && summary.contains("\"cached_tokens\":4"), summary);
    }

    @Test
    void aToolCallRoundTripsAsOpenAiToolCalls() {
        fake.enqueue(Reply.toolUse("tooluse_abc123", "get_weather", "{\"city\":\"Paris\",\"unit\":\"c\"}"));

        ChatCompletion completion = client.chat().completions().create(ask("claude", "Weather in Paris?")
                .addFunctionTool(FunctionDefinition.builder().name("get_weather").description("Current weather")
                        .parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(Map.of("city",
                                        Map.of("type", "string"))))
                                .build())
                        .build())
                .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED)
                .build());

        ChatCompletion.Choice choice = completion.choices().getFirst();
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason());
        ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().getFirst().asFunction();
        assertEquals("tooluse_abc123", call.id());
        assertEquals("get_weather", call.function().name());
        assertEquals("{\"city\":\"Paris\",\"unit\":\"c\"}", call.function().arguments());

        JsonNode toolConfig = fake.lastRequest().body().get("toolConfig");
        assertEquals("get_weather", toolConfig.at("/tools/0/toolSpec/name").asText());
        assertEquals("string", toolConfig.at("/tools/0/toolSpec/inputSchema/json/properties/city/type").asText());
        assertTrue(toolConfig.at("/toolChoice/any").isObject(), "required maps to any: " + toolConfig);
    }

    @Test
    void aStreamedToolCallArrivesAsArgumentFragmentsUnderOneIndex() {
        fake.enqueue(Reply.toolUse("tooluse_s1", "lookup", "{\"q\":\"tollgate\"}"));

        StringBuilder arguments = new StringBuilder();
        List<String> names = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ask("claude", "Look it up").addFunctionTool(FunctionDefinition.builder().name("lookup").build())
                        .build())) {
            stream.stream().flatMap(c -> c.choices().stream()).forEach(c -> c.delta().toolCalls().ifPresent(calls ->
                    calls.forEach(call -> {
                        assertEquals(0, call.index());
                        call.function().flatMap(f -> f.name()).ifPresent(names::add);
                        call.function().flatMap(f -> f.arguments()).ifPresent(arguments::append);
                    })));
        }

        assertEquals(List.of("lookup"), names);
        assertEquals("{\"q\":\"tollgate\"}", arguments.toString());
    }

    @Test
    void throttlingBecomesA429RateLimitException() {
        fake.enqueue(Reply.error(429, "ThrottlingException", "Too many requests, please wait before trying again."));

        RateLimitException e = assertThrows(RateLimitException.class,
                () -> client.chat().completions().create(ask("claude", "Hi").build()),
                () -> "the fake saw " + fake.requests() + "; log " + LOG);
        assertEquals(429, e.statusCode());
        assertEquals(1, fake.requests().size(), "the SDK must not retry on its own");
    }

    @Test
    void throttlingBeforeAStreamOpensIsA429Too() {
        fake.enqueue(Reply.error(429, "ThrottlingException", "Too many requests"));

        assertThrows(RateLimitException.class, () -> {
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                    ask("claude", "Hi").build())) {
                stream.stream().forEach(chunk -> { });
            }
        });
    }

    @Test
    void anInternalServerErrorBecomesA5xx() {
        fake.enqueue(Reply.error(500, "InternalServerException", "Internal failure"));

        InternalServerException e = assertThrows(InternalServerException.class,
                () -> client.chat().completions().create(ask("claude", "Hi").build()));
        assertEquals(502, e.statusCode());
    }

    @Test
    void theTargetTimeoutBoundsWholeAnswersAndTheWaitForAStream() {
        fake.enqueue(Reply.text("late").latency(1500), Reply.text("late stream").latency(1500));

        InternalServerException whole = assertThrows(InternalServerException.class,
                () -> client.chat().completions().create(ask("claude-impatient", "Hi").build()));
        assertEquals(504, whole.statusCode());

        InternalServerException streamed = assertThrows(InternalServerException.class, () -> {
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                    ask("claude-impatient", "Hi").build())) {
                stream.stream().forEach(chunk -> { });
            }
        });
        assertEquals(504, streamed.statusCode());
        // Under load an abandoned attempt can reach the fake after the gateway gave up on it; let both arrive here,
        // so they cannot take a reply the next test scripts.
        long until = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (fake.requests().size() < 2 && System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        assertEquals(2, fake.requests().size(), "both abandoned attempts reached the fake");
    }

    /**
     * A POST the gateway gave up on is never sent again behind its back, through either door: the Lambda handler on
     * a platform thread and the local server on virtual threads. (The suspect for the flaky 429 test above: the
     * SDK's call timeout aborts the wait by closing the connection, and the JDK's HttpURLConnection re-sends a
     * buffered POST once when reading its answer fails, sun.net.http.retryPost; this proves it does not happen on
     * timeout, with or without the property.)
     */
    @Test
    void aWholeAnswerThatTimedOutIsSentUpstreamOnlyOnce() throws Exception {
        assertFalse(Thread.currentThread().isVirtual());
        LambdaHandler handler = new LambdaHandler(gateway);
        // The same client as claude-impatient's (region, endpoint, auth), built and warmed here so that its first
        // use does not spend the 300 ms timeout before the request is even sent.
        assertEquals(200, invoke(handler, "claude").path("statusCode").asInt());
        fake.reset();
        fake.enqueue(Reply.text("late").latency(1500), Reply.text("ghost"));
        JsonNode timedOut = invoke(handler, "claude-impatient");
        assertEquals(504, timedOut.path("statusCode").asInt(), timedOut.toString());
        // Long enough for the abandoned attempt's answer (1.5 s) and for any re-sent copy to arrive.
        Thread.sleep(3000);
        assertEquals(1, fake.requests().size(), "the upstream saw the request once: " + fake.requests());

        fake.reset();
        fake.enqueue(Reply.text("late").latency(1500), Reply.text("ghost"));
        InternalServerException e = assertThrows(InternalServerException.class,
                () -> client.chat().completions().create(ask("claude-impatient", "Hi").build()));
        assertEquals(504, e.statusCode());
        Thread.sleep(3000);
        assertEquals(1, fake.requests().size(), "the upstream saw the request once: " + fake.requests());
    }

    /** A chat request as an API Gateway proxy event through the Lambda handler, on the calling thread. */
    private static JsonNode invoke(LambdaHandler handler, String model) throws Exception {
        ObjectNode event = JsonCodec.object();
        event.put("httpMethod", "POST");
        event.put("path", "/v1/chat/completions");
        event.putObject("headers").put("Authorization", "Bearer " + GATEWAY_KEY)
                .put("Content-Type", "application/json");
        event.put("body", "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(JsonCodec.bytes(event)), out, null);
        return JsonCodec.parse(out.toByteArray());
    }

    @Test
    void anExceptionEventMidStreamRaisesAnErrorNotATruncatedAnswer() {
        fake.enqueue(Reply.text("This answer will not finish").exceptionAfter(3, "modelStreamErrorException",
                "The model failed mid-stream"));

        StringBuilder text = new StringBuilder();
        assertThrows(OpenAIException.class, () -> {
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                    ask("claude", "Hi").build())) {
                stream.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
            }
        });
        assertFalse(text.toString().contains("finish"), "only the part before the failure arrived: " + text);
        awaitLog("\"outcome\":\"upstream_stream_broken\"");
    }

    @Test
    void aStreamCutMidWayRaisesAnError() {
        fake.enqueue(Reply.text("This answer is cut short").cutAfter(3));

        assertThrows(OpenAIException.class, () -> {
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                    ask("claude", "Hi").build())) {
                stream.stream().forEach(chunk -> { });
            }
        });
        awaitLog("\"outcome\":\"upstream_stream_broken\"");
    }

    @Test
    void aStreamEndingWithoutMessageStopRaisesAnError() {
        fake.enqueue(Reply.text("Truncated but cleanly closed").withoutMessageStop());

        assertThrows(OpenAIException.class, () -> {
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                    ask("claude", "Hi").build())) {
                stream.stream().forEach(chunk -> { });
            }
        });
        awaitLog("\"outcome\":\"upstream_stream_broken\"");
    }

    @Test
    void aBedrockApiKeyIsSentAsABearerTokenInsteadOfSigV4() {
        fake.enqueue(Reply.text("Keyed."), Reply.text("Keyed stream."));

        ChatCompletion completion = client.chat().completions().create(ask("claude-with-key", "Hi").build());
        assertEquals("Keyed.", completion.choices().getFirst().message().content().orElseThrow());
        assertEquals("Bearer " + API_KEY, fake.lastRequest().authorization());

        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ask("claude-with-key", "Hi").build())) {
            stream.stream().forEach(chunk -> { });
        }
        assertEquals("Bearer " + API_KEY, fake.lastRequest().authorization());
        assertFalse(String.join("\n", LOG).contains(API_KEY), "the key never reaches the log");
    }

    @Test
    void aDataUrlImageReachesBedrockAsImageBytes() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 1, 2, 3};
        String dataUrl = "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
        fake.enqueue(Reply.text("A tiny image."));

        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("claude").addUserMessageOfArrayOfContentParts(List.of(
                        ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text("What is it?").build()),
                        ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                                .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder().url(dataUrl).build())
                                .build()))).build());

        assertEquals("A tiny image.", completion.choices().getFirst().message().content().orElseThrow());
        JsonNode image = fake.lastRequest().body().at("/messages/0/content/1/image");
        assertEquals("png", image.get("format").asText());
        assertEquals(Base64.getEncoder().encodeToString(png), image.at("/source/bytes").asText(),
                "the bytes travel base64-encoded in the REST-JSON body");
    }

    @Test
    void anHttpImageUrlIsRefusedWithAClear400() {
        BadRequestException e = assertThrows(BadRequestException.class, () -> client.chat().completions().create(
                ChatCompletionCreateParams.builder().model("claude").addUserMessageOfArrayOfContentParts(List.of(
                        ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                                .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder()
                                        .url("https://example.com/cat.png").build()).build()))).build()));
        assertEquals(400, e.statusCode());
        assertTrue(e.getMessage().contains("data: URLs"), e.getMessage());
        assertTrue(fake.requests().isEmpty(), "nothing was sent upstream");
    }
}
