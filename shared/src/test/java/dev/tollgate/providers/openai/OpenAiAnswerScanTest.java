package dev.tollgate.providers.openai;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one-pass read of an OpenAI answer or chunk finds what a tree would, and refuses what is not one object. */
class OpenAiAnswerScanTest {

    private static OpenAiAnswerScan scan(String json) throws IOException {
        return OpenAiAnswerScan.of(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsChoicesFinishReasonAndUsageOfAWholeAnswer() throws IOException {
        OpenAiAnswerScan answer = scan("""
                {"id":"c1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant",
                "content":"hi","tool_calls":[{"function":{"arguments":"{\\"finish_reason\\":1}"}}]},
                "logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":3,
                "prompt_tokens_details":{"cached_tokens":4}},"system_fingerprint":null}""");
        assertFalse(answer.error());
        assertTrue(answer.hasChoices());
        assertEquals(1, answer.choices());
        assertTrue(answer.finished());
        assertEquals(12, answer.usage().path("prompt_tokens").asLong());
        assertEquals(4, answer.usage().path("prompt_tokens_details").path("cached_tokens").asLong());
    }

    @Test
    void aNullFinishReasonOrOneNestedDeeperDoesNotFinish() throws IOException {
        OpenAiAnswerScan chunk = scan("""
                {"choices":[{"index":0,"delta":{"content":"x","finish_reason":"stop"},"finish_reason":null},
                {"index":1,"delta":{}}]}""");
        assertEquals(2, chunk.choices());
        assertFalse(chunk.finished());
        assertNull(chunk.usage());
    }

    @Test
    void theUsageChunkHasEmptyChoices() throws IOException {
        OpenAiAnswerScan chunk = scan("{\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2}}");
        assertTrue(chunk.hasChoices());
        assertEquals(0, chunk.choices());
        assertEquals(2, chunk.usage().path("completion_tokens").asLong());
    }

    @Test
    void aNullUsageOrErrorCountsAsAbsent() throws IOException {
        OpenAiAnswerScan chunk = scan("{\"error\":null,\"usage\":null,\"choices\":[{\"finish_reason\":\"length\"}]}");
        assertFalse(chunk.error());
        assertNull(chunk.usage());
        assertTrue(chunk.finished());
    }

    @Test
    void anErrorObjectIsReported() throws IOException {
        OpenAiAnswerScan chunk = scan("{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}");
        assertTrue(chunk.error());
        assertFalse(chunk.hasChoices());
    }

    @Test
    void anAnswerWithoutChoicesSaysSo() throws IOException {
        assertFalse(scan("{\"id\":\"x\",\"object\":\"chat.completion\"}").hasChoices());
    }

    @Test
    void refusesWhatIsNotExactlyOneJsonObject() {
        for (String bad : new String[] {"", "[]", "\"text\"", "null", "{\"choices\":[", "{\"a\":1} {}", "{\"a\":1}x",
                "{\"a\":tru}"}) {
            assertThrows(IOException.class, () -> scan(bad), bad);
        }
    }
}
