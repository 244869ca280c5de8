package dev.tollgate.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.ChatResult;
import dev.tollgate.providers.Usage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseOutput;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlock;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConverseResponseMapperTest {

    private static ConverseResponse response(String stopReason, TokenUsage usage, ContentBlock... content) {
        return ConverseResponse.builder()
                .output(ConverseOutput.fromMessage(Message.builder().role(ConversationRole.ASSISTANT)
                        .content(List.of(content)).build()))
                .stopReason(stopReason).usage(usage).build();
    }

    private static JsonNode body(ChatResult result) throws IOException {
        return JsonCodec.parse(result.body());
    }

    @Test
    void textBecomesAChatCompletion() throws IOException {
        ChatResult result = ConverseResponseMapper.map(response("end_turn",
                TokenUsage.builder().inputTokens(10).outputTokens(4).totalTokens(14).build(),
                ContentBlock.fromText("Hello "), ContentBlock.fromText("world")), "chatcmpl-1", 1700000000L, "m");

        JsonNode body = body(result);
        assertEquals("chat.completion", body.get("object").asText());
        assertEquals("chatcmpl-1", body.get("id").asText());
        assertEquals("m", body.get("model").asText());
        assertEquals("Hello world", body.at("/choices/0/message/content").asText());
        assertEquals("stop", body.at("/choices/0/finish_reason").asText());
        assertEquals(14, body.at("/usage/total_tokens").asLong());
        assertEquals(new Usage(10, 4, 0, 0), result.usage());
    }

    @Test
    void toolUseBecomesToolCallsWithJsonStringArguments() throws IOException {
        ToolUseBlock toolUse = ToolUseBlock.builder().toolUseId("tu_1").name("weather")
                .input(Document.fromMap(Map.of("city", Document.fromString("Paris"),
                        "days", Document.fromNumber(3)))).build();
        JsonNode body = body(ConverseResponseMapper.map(response("tool_use", null, ContentBlock.fromToolUse(toolUse)),
                "id", 1, "m"));

        assertTrue(body.at("/choices/0/message/content").isNull(), "content is null when only tools were called");
        JsonNode call = body.at("/choices/0/message/tool_calls/0");
        assertEquals("tu_1", call.get("id").asText());
        assertEquals("function", call.get("type").asText());
        assertEquals("weather", call.at("/function/name").asText());
        JsonNode arguments = JsonCodec.parse(call.at("/function/arguments").asText().getBytes());
        assertEquals("Paris", arguments.get("city").asText());
        assertEquals(3, arguments.get("days").asInt());
        assertEquals("tool_calls", body.at("/choices/0/finish_reason").asText());
    }

    @ParameterizedTest
    @CsvSource({"end_turn,stop", "stop_sequence,stop", "max_tokens,length", "tool_use,tool_calls",
            "guardrail_intervened,content_filter", "content_filtered,content_filter",
            "model_context_window_exceeded,length"})
    void stopReasonsMapToOpenAiFinishReasons(String stopReason, String finishReason) throws IOException {
        JsonNode body = body(ConverseResponseMapper.map(response(stopReason, null, ContentBlock.fromText("x")),
                "id", 1, "m"));
        assertEquals(finishReason, body.at("/choices/0/finish_reason").asText());
    }

    @Test
    void cacheReadsAndWritesAreAddedToPromptTokens() throws IOException {
        TokenUsage usage = TokenUsage.builder().inputTokens(20).outputTokens(5).totalTokens(155)
                .cacheReadInputTokens(100).cacheWriteInputTokens(30).build();
        ChatResult result = ConverseResponseMapper.map(response("end_turn", usage, ContentBlock.fromText("x")),
                "id", 1, "m");

        assertEquals(new Usage(150, 5, 100, 30), result.usage());
        JsonNode body = body(result);
        assertEquals(150, body.at("/usage/prompt_tokens").asLong());
        assertEquals(100, body.at("/usage/prompt_tokens_details/cached_tokens").asLong());
        assertEquals(155, body.at("/usage/total_tokens").asLong(), "matches Bedrock's own totalTokens");
    }

    @Test
    void missingUsageIsZero() {
        assertEquals(Usage.NONE, ConverseResponseMapper.usage(null));
    }
}
