package dev.tollgate.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.providers.ChatResult;
import dev.tollgate.providers.Usage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Anthropic messages (documented examples) become OpenAI chat.completion objects with normalised usage. */
class AnthropicResponseMapperTest {

    private static final long CREATED = 1_750_000_000L;

    @Test
    void textMessageBecomesAChatCompletion() {
        ChatResult result = AnthropicResponseMapper.toOpenAi(Fixtures.json("message-text.json"), CREATED);
        JsonNode body = Fixtures.parse(result.body());
        assertEquals("msg_013Zva2CMHLNnXjNJJKqJ2EF", body.get("id").asText());
        assertEquals("chat.completion", body.get("object").asText());
        assertEquals(CREATED, body.get("created").asLong());
        assertEquals("claude-3-7-sonnet-20250219", body.get("model").asText());
        assertEquals("assistant", body.at("/choices/0/message/role").asText());
        assertEquals("Hi! My name is Claude.", body.at("/choices/0/message/content").asText());
        assertFalse(body.at("/choices/0/message").has("tool_calls"));
        assertEquals("stop", body.at("/choices/0/finish_reason").asText());
        assertEquals(2095, body.at("/usage/prompt_tokens").asLong());
        assertEquals(503, body.at("/usage/completion_tokens").asLong());
        assertEquals(2598, body.at("/usage/total_tokens").asLong());
        assertEquals(new Usage(2095, 503, 0, 0), result.usage());
    }

    @Test
    void toolUseBlocksBecomeToolCallsWithJsonStringArguments() {
        ChatResult result = AnthropicResponseMapper.toOpenAi(Fixtures.json("message-tool-use.json"), CREATED);
        JsonNode message = Fixtures.parse(result.body()).at("/choices/0/message");
        assertEquals("I'll check the current weather in San Francisco for you.", message.get("content").asText());
        JsonNode call = message.at("/tool_calls/0");
        assertEquals("toolu_01A09q90qw90lq917835lq9", call.get("id").asText());
        assertEquals("function", call.get("type").asText());
        assertEquals("get_weather", call.at("/function/name").asText());
        assertTrue(call.at("/function/arguments").isTextual(), "arguments are a JSON string, as in OpenAI");
        assertEquals(Fixtures.parse("{\"location\":\"San Francisco, CA\",\"unit\":\"celsius\"}"),
                Fixtures.parse(call.at("/function/arguments").asText()));
        assertEquals("tool_calls", Fixtures.parse(result.body()).at("/choices/0/finish_reason").asText());
    }

    @Test
    void toolOnlyAnswerHasNullContent() {
        ObjectNode message = (ObjectNode) Fixtures.json("message-tool-use.json");
        message.withArray("content").remove(0);
        JsonNode body = Fixtures.parse(AnthropicResponseMapper.toOpenAi(message, CREATED).body());
        assertTrue(body.at("/choices/0/message/content").isNull());
        assertEquals(1, body.at("/choices/0/message/tool_calls").size());
    }

    @Test
    void cacheReadsAndWritesAreAddedToPromptTokensAsOpenAiCountsThem() {
        ChatResult result = AnthropicResponseMapper.toOpenAi(Fixtures.json("message-cache-usage.json"), CREATED);
        // input 21 excludes the cache: 21 + 188086 read + 188 written.
        assertEquals(new Usage(21 + 188_086 + 188, 393, 188_086, 188), result.usage());
        JsonNode usage = Fixtures.parse(result.body()).get("usage");
        assertEquals(188_295, usage.get("prompt_tokens").asLong());
        assertEquals(188_086, usage.at("/prompt_tokens_details/cached_tokens").asLong());
        assertEquals(188_295 + 393, usage.get("total_tokens").asLong());
        assertEquals("length", Fixtures.parse(result.body()).at("/choices/0/finish_reason").asText());
    }

    @ParameterizedTest
    @CsvSource({"end_turn, stop", "stop_sequence, stop", "max_tokens, length", "tool_use, tool_calls",
            "refusal, content_filter", "pause_turn, stop", "model_context_window_exceeded, length"})
    void stopReasonsAreNormalised(String stopReason, String finishReason) {
        ObjectNode message = (ObjectNode) Fixtures.json("message-text.json");
        message.put("stop_reason", stopReason);
        JsonNode body = Fixtures.parse(AnthropicResponseMapper.toOpenAi(message, CREATED).body());
        assertEquals(finishReason, body.at("/choices/0/finish_reason").asText());
    }

    @Test
    void somethingThatIsNotAMessageIsRejected() {
        assertNull(AnthropicResponseMapper.toOpenAi(Fixtures.parse("{\"type\":\"error\",\"error\":{}}"), CREATED));
        assertNull(AnthropicResponseMapper.toOpenAi(Fixtures.parse("[]"), CREATED));
    }
}
