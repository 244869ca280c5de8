package dev.tollgate.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.errors.ErrorClass;
import dev.tollgate.errors.ProviderError;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.ChatResult;
import dev.tollgate.providers.Fixtures;
import dev.tollgate.providers.Usage;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GeminiResponseMapperTest {

    private static ChatResult map(String fixture) {
        return GeminiResponseMapper.toChatCompletion(Fixtures.json("gemini/" + fixture), "gemini-2.5-flash", 1_750_000_000L);
    }

    private static JsonNode body(ChatResult result) throws IOException {
        return JsonCodec.parse(result.body());
    }

    @Test
    void textAnswerBecomesAChatCompletionWithCachedAndThinkingTokensInUsage() throws IOException {
        ChatResult result = map("response-text.json");
        JsonNode body = body(result);
        assertEquals("chatcmpl-mAitaM6tLfi5qtsPk4m18Qo", body.get("id").asText());
        assertEquals("chat.completion", body.get("object").asText());
        assertEquals(1_750_000_000L, body.get("created").asLong());
        assertEquals("gemini-2.5-flash", body.get("model").asText());
        assertEquals("assistant", body.at("/choices/0/message/role").asText());
        assertEquals("The capital of France is Paris.", body.at("/choices/0/message/content").asText());
        assertEquals("stop", body.at("/choices/0/finish_reason").asText());
        // promptTokenCount already includes the 2040 cached tokens; thoughts are billed as output.
        assertEquals(Fixtures.parse("""
                {"prompt_tokens":2057,"completion_tokens":120,"total_tokens":2177,
                 "prompt_tokens_details":{"cached_tokens":2040,"audio_tokens":0},
                 "completion_tokens_details":{"reasoning_tokens":112,"audio_tokens":0,
                   "accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}"""), body.get("usage"));
        assertEquals(new Usage(2057, 120, 2040), result.usage());
    }

    @Test
    void functionCallsBecomeToolCallsWithStableIdsAndThoughtsStayOut() throws IOException {
        JsonNode body = body(map("response-function-call.json"));
        JsonNode message = body.at("/choices/0/message");
        assertTrue(message.get("content").isNull(), message.toString());
        assertEquals("tool_calls", body.at("/choices/0/finish_reason").asText());
        JsonNode calls = message.get("tool_calls");
        assertEquals(2, calls.size());
        assertEquals("function", calls.at("/0/type").asText());
        assertEquals("get_weather", calls.at("/0/function/name").asText());
        assertEquals(Fixtures.parse("{\"city\":\"Paris\",\"unit\":\"celsius\"}"),
                Fixtures.parse(calls.at("/0/function/arguments").asText()));
        assertEquals("CiIBVKhc7oDPpCaXyJKKssjqr4g3JNOSgTSgtLiMzLAjWq0K",
                calls.at("/0/extra_content/google/thought_signature").asText());
        assertEquals("get_time", calls.at("/1/function/name").asText());
        assertFalse(calls.get(1).has("extra_content"));
        String id = calls.at("/0/id").asText();
        assertTrue(id.matches("call_[0-9a-f]{24}"), id);
        assertNotEquals(id, calls.at("/1/id").asText());
        assertEquals(id, body(map("response-function-call.json")).at("/choices/0/message/tool_calls/0/id").asText(),
                "the same answer yields the same call ids");
        assertEquals(49, body.at("/usage/completion_tokens_details/reasoning_tokens").asLong());
        assertEquals(83, body.at("/usage/completion_tokens").asLong());
    }

    @Test
    void safetyStopIsContentFilterWithNoContent() throws IOException {
        JsonNode body = body(map("response-safety.json"));
        assertEquals("content_filter", body.at("/choices/0/finish_reason").asText());
        assertTrue(body.at("/choices/0/message/content").isNull());
        assertEquals(14, body.at("/usage/prompt_tokens").asLong());
        assertEquals(0, body.at("/usage/completion_tokens").asLong());
    }

    @Test
    void maxTokensIsLength() throws IOException {
        JsonNode body = body(map("response-max-tokens.json"));
        assertEquals("length", body.at("/choices/0/finish_reason").asText());
        assertEquals("Once upon a time, in a kingdom by", body.at("/choices/0/message/content").asText());
    }

    @Test
    void aBlockedPromptIsAContentFilterError() {
        ProviderError error = assertThrows(ProviderError.class, () -> map("response-prompt-blocked.json"));
        assertEquals(400, error.status());
        assertEquals("content_filter", error.code());
        assertEquals(ErrorClass.FATAL, error.errorClass());
        assertTrue(error.getMessage().contains("PROHIBITED_CONTENT"), error.getMessage());
    }

    @Test
    void aResponseWithNeitherCandidatesNorBlockReasonIsMalformed() {
        ProviderError error = assertThrows(ProviderError.class, () -> GeminiResponseMapper.toChatCompletion(
                Fixtures.parse("{\"modelVersion\":\"gemini-2.0-flash\"}"), "m", 0));
        assertEquals("upstream_malformed_response", error.code());
    }
}
