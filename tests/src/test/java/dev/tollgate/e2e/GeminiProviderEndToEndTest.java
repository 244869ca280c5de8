package dev.tollgate.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.OpenAIException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.RateLimitException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.completions.CompletionUsage;
import dev.tollgate.auth.GatewayKeys;
import dev.tollgate.fakes.FakeGeminiServer;
import dev.tollgate.fakes.FakeUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gateway in front of a fake Gemini API, driven by the official OpenAI Java SDK. */
@Timeout(30)
class GeminiProviderEndToEndTest {

    private static final String GATEWAY_KEY = "tg-e2e-gemini";
    private static final String GEMINI_KEY = "AIzaSyFAKE-gemini-e2e-key-0123456789";

    private FakeGeminiServer gemini;
    private TestGateway gateway;
    private OpenAIClient client;

    @BeforeEach
    void start() throws IOException {
        gemini = new FakeGeminiServer(GEMINI_KEY);
        String yaml = """
                models:
                  - name: gemini-chat
                    policy: {retries: 0, cooldown_ms: 0}
                    targets:
                      - {provider: gemini, model: gemini-2.5-flash, base_url: "%1$s", credential: "env:GEMINI_KEY", timeout_ms: 5000}
                  - name: gemini-with-fallback
                    policy: {retries: 0, cooldown_ms: 0}
                    targets:
                      - {provider: gemini, model: gemini-2.5-flash, base_url: "%1$s", credential: "env:GEMINI_KEY", timeout_ms: 5000}
                      - {provider: mock, model: mock-backup, options: {reply: "answered by the fallback"}}
                keys:
                  - {id: e2e, sha256: %2$s}
                """.formatted(gemini.baseUrl(), GatewayKeys.sha256(GATEWAY_KEY));
        gateway = new TestGateway(yaml, Map.of("GEMINI_KEY", GEMINI_KEY));
        client = gateway.openAiClient(GATEWAY_KEY);
    }

    @AfterEach
    void stop() {
        client.close();
        gateway.close();
        gemini.close();
        gateway.assertNeverLogged(GEMINI_KEY, "the Gemini key");
    }

    private static ChatCompletionCreateParams.Builder ask(String model, String text) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(text);
    }

    @Test
    void aCallIsTranslatedToGenerateContentWithTheKeyInXGoogApiKey() {
        gemini.usage(2057, 2040, 112);
        ChatCompletion completion = client.chat().completions().create(ask("gemini-chat", "hello Gemini")
                .addSystemMessage("Be brief.").temperature(0.3).maxCompletionTokens(200).build());
        assertEquals("You said: hello Gemini", completion.choices().getFirst().message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, completion.choices().getFirst().finishReason());
        CompletionUsage usage = completion.usage().orElseThrow();
        assertEquals(2057, usage.promptTokens());
        assertEquals(7 + 112, usage.completionTokens());
        assertEquals(2040, usage.promptTokensDetails().orElseThrow().cachedTokens().orElseThrow());
        assertEquals(112, usage.completionTokensDetails().orElseThrow().reasoningTokens().orElseThrow());

        FakeUpstream.Received request = gemini.last();
        assertEquals("/v1beta/models/gemini-2.5-flash:generateContent", request.path());
        assertEquals(GEMINI_KEY, request.header("x-goog-api-key"));
        assertNull(request.header("authorization"), "the key goes in x-goog-api-key only");
        assertNull(request.query(), "the key never goes in the URL");
        JsonNode body = request.json();
        assertEquals("Be brief.", body.at("/systemInstruction/parts/0/text").asText());
        assertEquals("user", body.at("/contents/0/role").asText());
        assertEquals(200, body.at("/generationConfig/maxOutputTokens").asInt());
        assertTrue(gateway.logLines().getLast().contains("\"cached_tokens\":2040"), gateway.logLines().getLast());
    }

    @Test
    void aStreamedCallArrivesChunkByChunkWithUsageWhenAsked() {
        gemini.usage(40, 32, 5);
        StringBuilder text = new StringBuilder();
        ChatCompletionChunk.Choice.FinishReason[] finish = new ChatCompletionChunk.Choice.FinishReason[1];
        CompletionUsage[] usage = new CompletionUsage[1];
        int[] chunks = new int[1];
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ask("gemini-chat", "stream this please")
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(chunk -> {
                chunks[0]++;
                chunk.usage().ifPresent(u -> usage[0] = u);
                for (ChatCompletionChunk.Choice choice : chunk.choices()) {
                    choice.delta().content().ifPresent(text::append);
                    choice.finishReason().ifPresent(f -> finish[0] = f);
                }
            });
        }
        assertEquals("You said: stream this please", text.toString());
        assertTrue(chunks[0] >= 6, "role+pieces, finish and usage chunks: " + chunks[0]);
        assertEquals(ChatCompletionChunk.Choice.FinishReason.STOP, finish[0]);
        assertEquals(40, usage[0].promptTokens());
        assertEquals(32, usage[0].promptTokensDetails().orElseThrow().cachedTokens().orElseThrow());
        assertEquals(7 + 5, usage[0].completionTokens());
        FakeUpstream.Received request = gemini.last();
        assertEquals("/v1beta/models/gemini-2.5-flash:streamGenerateContent", request.path());
        assertEquals("alt=sse", request.query());
        assertEquals(GEMINI_KEY, request.header("x-goog-api-key"));
    }

    @Test
    void aToolCallRoundTripsAndTheToolResultNamesItsFunction() {
        gemini.enqueue(gemini.functionCall("get_weather", "{\"city\":\"Paris\"}"));
        ChatCompletionFunctionTool weather = ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                .name("get_weather").description("Current weather")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .build()).build();
        ChatCompletion first = client.chat().completions().create(
                ask("gemini-chat", "Weather in Paris?").addTool(weather).build());
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, first.choices().getFirst().finishReason());
        ChatCompletionMessage message = first.choices().getFirst().message();
        ChatCompletionMessageFunctionToolCall call = message.toolCalls().orElseThrow().getFirst().asFunction();
        assertEquals("get_weather", call.function().name());
        assertEquals("{\"city\":\"Paris\"}", call.function().arguments());
        JsonNode sent = gemini.last().json();
        assertEquals("get_weather", sent.at("/tools/0/functionDeclarations/0/name").asText());
        assertEquals("object", sent.at("/tools/0/functionDeclarations/0/parametersJsonSchema/type").asText());

        ChatCompletion second = client.chat().completions().create(ask("gemini-chat", "Weather in Paris?")
                .addTool(weather)
                .addMessage(message)
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("{\"temp_c\":21}").build())
                .build());
        assertTrue(second.choices().getFirst().message().content().orElseThrow().startsWith("You said: "));
        JsonNode followUp = gemini.last().json();
        assertEquals("get_weather", followUp.at("/contents/1/parts/0/functionCall/name").asText());
        assertEquals("Paris", followUp.at("/contents/1/parts/0/functionCall/args/city").asText());
        assertEquals("get_weather", followUp.at("/contents/2/parts/0/functionResponse/name").asText());
        assertEquals(21, followUp.at("/contents/2/parts/0/functionResponse/response/temp_c").asInt());
        assertEquals("CiIBVKhc7oDPpCaXyJKKssjqr4g3JNOSgTSgtLiMzLAjWq0K",
                followUp.at("/contents/1/parts/0/thoughtSignature").asText(), followUp.toString());
    }

    @Test
    void aRateLimitIsA429WithGooglesRetryDelay() {
        gemini.enqueue(FakeGeminiServer.rateLimited(13));
        RateLimitException e = assertThrows(RateLimitException.class,
                () -> client.chat().completions().create(ask("gemini-chat", "hi").build()));
        assertEquals(429, e.statusCode());
        assertEquals(List.of("13"), e.headers().values("Retry-After"));
        assertEquals("rate_limit_exceeded", e.code().orElseThrow());
    }

    @Test
    void anOverloadedGeminiFallsBackToTheNextTarget() {
        gemini.enqueue(FakeGeminiServer.error(503, "UNAVAILABLE", "The model is overloaded. Please try again later."));
        HttpResponseFor<ChatCompletion> response = client.chat().completions().withRawResponse()
                .create(ask("gemini-with-fallback", "hi").build());
        assertEquals(200, response.statusCode());
        assertEquals("answered by the fallback", response.parse().choices().getFirst().message().content().orElseThrow());
        assertEquals(List.of("2"), response.headers().values("x-tollgate-attempts"));
        assertEquals(List.of("mock"), response.headers().values("x-tollgate-provider"));
    }

    @Test
    void aStreamCutMidWayRaisesAnErrorInsteadOfATruncatedAnswer() {
        gemini.enqueue(gemini.stream("The answer ", "is ", "forty-two.").cutAfter(2));
        StringBuilder text = new StringBuilder();
        assertThrows(OpenAIException.class, () -> {
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                    ask("gemini-chat", "long answer").build())) {
                stream.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
            }
        });
        assertEquals("The answer is ", text.toString(), "what arrived before the cut, and nothing pretending to end");
        assertTrue(gateway.logLines().getLast().contains("upstream_stream_broken"), gateway.logLines().getLast());
    }

    @Test
    void aStreamEndingCleanlyBeforeAFinishReasonIsAlsoAnError() {
        gemini.enqueue(gemini.stream("The answer ", "is ", "forty-two.").endAfter(2));
        assertThrows(OpenAIException.class, () -> {
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                    ask("gemini-chat", "long answer").build())) {
                stream.stream().forEach(c -> { });
            }
        });
    }

    @Test
    void aMalformedFrameRaisesAnError() {
        gemini.enqueue(gemini.stream("The answer ", "is ", "forty-two.").insert(1, FakeGeminiServer.malformedFrame()));
        assertThrows(OpenAIException.class, () -> {
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                    ask("gemini-chat", "long answer").build())) {
                stream.stream().forEach(c -> { });
            }
        });
    }

    @Test
    void aBlockedPromptIsA400ContentFilterWholeOrStreamed() {
        gemini.enqueue(gemini.promptBlocked(false), gemini.promptBlocked(true));
        BadRequestException whole = assertThrows(BadRequestException.class,
                () -> client.chat().completions().create(ask("gemini-chat", "something awful").build()));
        assertEquals("content_filter", whole.code().orElseThrow());
        BadRequestException streamed = assertThrows(BadRequestException.class, () -> {
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                    ask("gemini-chat", "something awful").build())) {
                stream.stream().forEach(c -> { });
            }
        });
        assertEquals("content_filter", streamed.code().orElseThrow());
    }

    @Test
    void aParameterGeminiCannotHonourIsRefusedByName() {
        BadRequestException e = assertThrows(BadRequestException.class, () -> client.chat().completions().create(
                ask("gemini-chat", "hi").n(2).build()));
        assertEquals("unsupported_parameter", e.code().orElseThrow());
        assertEquals("n", e.param().orElseThrow());
        assertTrue(gemini.received().isEmpty(), "nothing was sent to Gemini");
    }

    @Test
    void aRejectedKeyIsAnUpstreamAuthFailureThatNeverEchoesTheKey() throws IOException {
        try (FakeGeminiServer other = new FakeGeminiServer("a-different-key")) {
            String yaml = """
                    models:
                      - name: g
                        policy: {retries: 0, cooldown_ms: 0}
                        targets: [{provider: gemini, model: gemini-2.5-flash, base_url: "%s", credential: "env:GEMINI_KEY"}]
                    keys:
                      - {id: e2e, sha256: %s}
                    """.formatted(other.baseUrl(), GatewayKeys.sha256(GATEWAY_KEY));
            try (TestGateway local = new TestGateway(yaml, Map.of("GEMINI_KEY", GEMINI_KEY))) {
                OpenAIClient sdk = local.openAiClient(GATEWAY_KEY);
                try {
                    OpenAIServiceException e = assertThrows(OpenAIServiceException.class,
                            () -> sdk.chat().completions().create(ask("g", "hi").build()));
                    assertEquals(502, e.statusCode());
                    assertEquals("upstream_auth_failed", e.code().orElseThrow());
                    assertFalse(e.getMessage().contains(GEMINI_KEY));
                } finally {
                    sdk.close();
                }
                local.assertNeverLogged(GEMINI_KEY, "the Gemini key");
            }
        }
    }
}
