package dev.tollgate.api.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.Usage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Whole OpenAI chat.completion bodies rendered as Anthropic messages. */
class MessageResponseTest {

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode json(String json) throws IOException {
        return JsonCodec.parse(bytes(json));
    }

    /** Compares as parsed JSON, so 256 equals 256 whatever node type holds it. */
    private static void assertJson(String expected, JsonNode actual) throws IOException {
        assertEquals(json(expected), json(actual.toString()));
    }

    @Test
    void textCompletionBecomesAMessageWithTheClientsModelAndMappedUsage() throws IOException {
        ObjectNode message = MessageResponse.render(bytes("""
                {"id":"chatcmpl-1","object":"chat.completion","model":"gpt-upstream","choices":[{"index":0,
                 "message":{"role":"assistant","content":"Hello there","refusal":null},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}"""),
                new Usage(12, 3, 0), "msg_abc", "claude-public");
        assertJson("""
                {"id":"msg_abc","type":"message","role":"assistant","model":"claude-public",
                 "content":[{"type":"text","text":"Hello there"}],"stop_reason":"end_turn","stop_sequence":null,
                 "usage":{"input_tokens":12,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":3}}""",
                message);
    }

    @Test
    void toolCallsBecomeToolUseBlocksWithParsedInput() throws IOException {
        ObjectNode message = MessageResponse.render(bytes("""
                {"choices":[{"index":0,"message":{"role":"assistant","content":"Checking.","tool_calls":[
                   {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\",\\"days\\":2}"}},
                   {"id":"call_2","type":"function","function":{"name":"get_time","arguments":""}}]},
                 "finish_reason":"tool_calls"}]}"""), new Usage(40, 20, 0), "msg_t", "m");
        assertJson("""
                [{"type":"text","text":"Checking."},
                 {"type":"tool_use","id":"call_1","name":"get_weather","input":{"city":"Paris","days":2},"caller":{"type":"direct"}},
                 {"type":"tool_use","id":"call_2","name":"get_time","input":{},"caller":{"type":"direct"}}]""",
                message.get("content"));
        assertEquals("tool_use", message.get("stop_reason").asText());
    }

    @Test
    void cachedReadsAndWritesAreTakenOutOfInputTokens() {
        ObjectNode message = MessageResponse.render(bytes("""
                {"choices":[{"message":{"role":"assistant","content":"ok"},"finish_reason":"length"}]}"""),
                new Usage(1000, 50, 600, 300), "msg_c", "m");
        JsonNode usage = message.get("usage");
        assertEquals(100, usage.get("input_tokens").asLong());
        assertEquals(600, usage.get("cache_read_input_tokens").asLong());
        assertEquals(300, usage.get("cache_creation_input_tokens").asLong());
        assertEquals(50, usage.get("output_tokens").asLong());
        assertEquals("max_tokens", message.get("stop_reason").asText());
    }

    @Test
    void finishReasonsMapBack() {
        assertEquals("end_turn", StopReasons.fromOpenAi("stop"));
        assertEquals("max_tokens", StopReasons.fromOpenAi("length"));
        assertEquals("tool_use", StopReasons.fromOpenAi("tool_calls"));
        assertEquals("refusal", StopReasons.fromOpenAi("content_filter"));
        assertEquals("end_turn", StopReasons.fromOpenAi(null));
    }

    @Test
    void emptyContentGivesNoBlocksAndUnreadableBodiesAreRefused() {
        ObjectNode empty = MessageResponse.render(bytes("""
                {"choices":[{"message":{"role":"assistant","content":null},"finish_reason":"stop"}]}"""),
                Usage.NONE, "msg_e", "m");
        assertEquals(0, empty.get("content").size());
        assertThrows(IllegalArgumentException.class,
                () -> MessageResponse.render(bytes("{\"choices\":[]}"), Usage.NONE, "msg", "m"));
        assertThrows(IllegalArgumentException.class,
                () -> MessageResponse.render(bytes("not json"), Usage.NONE, "msg", "m"));
        assertThrows(IllegalArgumentException.class, () -> MessageResponse.render(bytes("""
                {"choices":[{"message":{"tool_calls":[{"id":"c","function":{"name":"f","arguments":"{\\"cut"}}]}}]}"""),
                Usage.NONE, "msg", "m"));
    }
}
