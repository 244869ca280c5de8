package dev.tollgate.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
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
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.completions.CompletionUsage;
import dev.tollgate.auth.GatewayKeys;
import dev.tollgate.fakes.FakeAzureOpenAiServer;
import dev.tollgate.fakes.FakeUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gateway in front of a fake Azure OpenAI resource, driven by the official OpenAI Java SDK. */
@Timeout(30)
class AzureProviderEndToEndTest {

    private static final String GATEWAY_KEY = "tg-e2e-azure";
    private static final String AZURE_KEY = "0123456789abcdef0123456789abcdef";

    private FakeAzureOpenAiServer azure;
    private TestGateway gateway;
    private OpenAIClient client;

    @BeforeEach
    void start() throws IOException {
        azure = new FakeAzureOpenAiServer(AZURE_KEY, Set.of("gpt-4o-prod"));
        String yaml = """
                models:
                  - name: azure-chat
                    policy: {retries: 0, cooldown_ms: 0}
                    targets:
                      - {provider: azure, model: gpt-4o-prod, base_url: "%1$s", credential: "env:AZURE_KEY", timeout_ms: 5000}
                  - name: azure-v1
                    policy: {retries: 0, cooldown_ms: 0}
                    targets:
                      - {provider: azure, model: gpt-4.1-mini, base_url: "%1$s", credential: "env:AZURE_KEY",
                         options: {api: v1}}
                  - name: azure-with-fallback
                    policy: {retries: 0, cooldown_ms: 0}
                    targets:
                      - {provider: azure, model: gpt-4o, base_url: "%1$s", credential: "env:AZURE_KEY",
                         options: {deployment: gpt-4o-prod, api_version: 2025-04-01-preview}}
                      - {provider: mock, model: mock-backup, options: {reply: "answered by the fallback"}}
                keys:
                  - {id: e2e, sha256: %2$s}
                """.formatted(azure.endpoint(), GatewayKeys.sha256(GATEWAY_KEY));
        gateway = new TestGateway(yaml, Map.of("AZURE_KEY", AZURE_KEY));
        client = gateway.openAiClient(GATEWAY_KEY);
    }

    @AfterEach
    void stop() {
        client.close();
        gateway.close();
        azure.close();
        gateway.assertNeverLogged(AZURE_KEY, "the Azure key");
    }

    private static ChatCompletionCreateParams.Builder ask(String model, String text) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(text);
    }

    private List<ChatCompletionChunk> drain(ChatCompletionCreateParams params) {
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            return stream.stream().toList();
        }
    }

    @Test
    void aCallGoesToTheDeploymentWithTheKeyInApiKey() {
        ChatCompletion completion = client.chat().completions().create(ask("azure-chat", "hello Azure").build());
        assertEquals("You said: hello Azure", completion.choices().getFirst().message().content().orElseThrow());
        CompletionUsage usage = completion.usage().orElseThrow();
        assertEquals(1542, usage.promptTokens());
        assertEquals(1280, usage.promptTokensDetails().orElseThrow().cachedTokens().orElseThrow());

        FakeUpstream.Received request = azure.last();
        assertEquals("/openai/deployments/gpt-4o-prod/chat/completions", request.path());
        assertEquals("api-version=2024-10-21", request.query());
        assertEquals(AZURE_KEY, request.header("api-key"));
        assertNull(request.header("authorization"), "the key goes in api-key, never in Authorization");
    }

    @Test
    void theV1ApiCarriesTheModelInTheBody() {
        ChatCompletion completion = client.chat().completions().create(ask("azure-v1", "hello v1").build());
        assertEquals("You said: hello v1", completion.choices().getFirst().message().content().orElseThrow());
        FakeUpstream.Received request = azure.last();
        assertEquals("/openai/v1/chat/completions", request.path());
        assertNull(request.query());
        assertEquals("gpt-4.1-mini", request.json().get("model").asText());
    }

    @Test
    void aStreamedCallPassesAzuresChunksThroughWithUsageWhenAsked() {
        List<ChatCompletionChunk> chunks = drain(ask("azure-chat", "stream this please")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build());
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
        assertEquals("You said: stream this please", text.toString());
        assertEquals(1542, chunks.getLast().usage().orElseThrow().promptTokens());
        JsonNode sent = azure.last().json();
        assertTrue(sent.get("stream").asBoolean());
        assertTrue(sent.at("/stream_options/include_usage").asBoolean());
    }

    @Test
    void theUsageChunkTheGatewayAskedForStaysWithTheGateway() {
        List<ChatCompletionChunk> chunks = drain(ask("azure-chat", "no usage for me").build());
        assertTrue(chunks.stream().noneMatch(c -> c.usage().isPresent()), "the client did not ask for usage");
        assertTrue(azure.last().json().at("/stream_options/include_usage").asBoolean(), "but the gateway did");
        assertTrue(gateway.logLines().getLast().contains("\"prompt_tokens\":1542"), gateway.logLines().getLast());
    }

    @Test
    void aToolCallRoundTrips() {
        azure.enqueue(azure.toolCall("get_weather", "{\"city\":\"Paris\"}"));
        ChatCompletionFunctionTool weather = ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                .name("get_weather")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .build())
                .build()).build();
        ChatCompletion first = client.chat().completions().create(
                ask("azure-chat", "Weather in Paris?").addTool(weather).build());
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, first.choices().getFirst().finishReason());
        ChatCompletionMessage message = first.choices().getFirst().message();
        ChatCompletionMessageFunctionToolCall call = message.toolCalls().orElseThrow().getFirst().asFunction();
        assertEquals("get_weather", call.function().name());
        assertEquals("call_R4nd0mAzureId000000001", call.id());

        client.chat().completions().create(ask("azure-chat", "Weather in Paris?").addTool(weather)
                .addMessage(message)
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("21C").build())
                .build());
        JsonNode followUp = azure.last().json();
        assertEquals("tool", followUp.at("/messages/2/role").asText());
        assertEquals("call_R4nd0mAzureId000000001", followUp.at("/messages/2/tool_call_id").asText());
        assertEquals("get_weather", followUp.at("/tools/0/function/name").asText());
    }

    @Test
    void aStreamedToolCallAccumulatesFromItsPieces() {
        azure.enqueue(azure.streamToolCall("get_weather", "{\"city\":\"Paris\"}"));
        StringBuilder arguments = new StringBuilder();
        List<ChatCompletionChunk> chunks = drain(ask("azure-chat", "Weather?").build());
        chunks.forEach(c -> c.choices().forEach(ch -> ch.delta().toolCalls().ifPresent(calls -> calls.forEach(
                tc -> tc.function().flatMap(ChatCompletionChunk.Choice.Delta.ToolCall.Function::arguments)
                        .ifPresent(arguments::append)))));
        assertEquals("{\"city\":\"Paris\"}", arguments.toString());
        assertEquals(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS,
                chunks.getLast().choices().getFirst().finishReason().orElseThrow());
    }

    @Test
    void aRateLimitIsA429HonouringAzuresMillisecondHint() {
        azure.enqueue(FakeAzureOpenAiServer.rateLimited(6500));
        RateLimitException e = assertThrows(RateLimitException.class,
                () -> client.chat().completions().create(ask("azure-chat", "hi").build()));
        assertEquals(List.of("7"), e.headers().values("Retry-After"));
    }

    @Test
    void anUnavailableDeploymentFallsBackToTheNextTarget() {
        azure.enqueue(FakeAzureOpenAiServer.error(503, "ServiceUnavailable",
                "The service is temporarily unable to process your request. Please try again later."));
        HttpResponseFor<ChatCompletion> response = client.chat().completions().withRawResponse()
                .create(ask("azure-with-fallback", "hi").build());
        assertEquals(200, response.statusCode());
        assertEquals("answered by the fallback", response.parse().choices().getFirst().message().content().orElseThrow());
        assertEquals(List.of("2"), response.headers().values("x-tollgate-attempts"));
        assertEquals("/openai/deployments/gpt-4o-prod/chat/completions", azure.last().path());
        assertEquals("api-version=2025-04-01-preview", azure.last().query());
    }

    @Test
    void aStreamCutMidWayRaisesAnErrorInsteadOfATruncatedAnswer() {
        azure.enqueue(azure.stream(false, "stop", "The answer ", "is ", "forty-two.").cutAfter(3));
        assertThrows(OpenAIException.class, () -> drain(ask("azure-chat", "long answer").build()));
        assertTrue(gateway.logLines().getLast().contains("upstream_stream_broken"), gateway.logLines().getLast());
    }

    @Test
    void aStreamThatEndsCleanlyWithoutFinishingIsAnErrorToo() {
        azure.enqueue(azure.stream(false, "stop", "The answer ", "is ", "forty-two.").endAfter(3));
        assertThrows(OpenAIException.class, () -> drain(ask("azure-chat", "long answer").build()));
    }

    @Test
    void aMalformedChunkRaisesAnError() {
        azure.enqueue(azure.stream(false, "stop", "The answer ", "is ").insert(2, FakeAzureOpenAiServer.malformedEvent()));
        assertThrows(OpenAIException.class, () -> drain(ask("azure-chat", "long answer").build()));
    }

    @Test
    void aPromptRefusedByTheContentFilterIsA400ContentFilter() {
        azure.enqueue(FakeAzureOpenAiServer.contentFilterRefusal());
        BadRequestException e = assertThrows(BadRequestException.class,
                () -> client.chat().completions().create(ask("azure-with-fallback", "something awful").build()));
        assertEquals(400, e.statusCode());
        assertEquals("content_filter", e.code().orElseThrow());
        assertEquals(1, azure.received().size(), "a content refusal does not fall back to another target");
    }

    @Test
    void aContentFilterFinishPassesThroughWholeAndStreamed() {
        azure.enqueue(azure.completion(null, "content_filter"),
                azure.stream(false, "content_filter", "Here is how "));
        ChatCompletion whole = client.chat().completions().create(ask("azure-chat", "something borderline").build());
        assertEquals(ChatCompletion.Choice.FinishReason.CONTENT_FILTER, whole.choices().getFirst().finishReason());
        List<ChatCompletionChunk> chunks = drain(ask("azure-chat", "something borderline").build());
        assertEquals(ChatCompletionChunk.Choice.FinishReason.CONTENT_FILTER,
                chunks.getLast().choices().getFirst().finishReason().orElseThrow());
    }
}
