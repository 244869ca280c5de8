package dev.tollgate.api.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.errors.ClientError;
import dev.tollgate.json.JsonCodec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Anthropic Messages requests to OpenAI Chat Completions requests, and what is refused on the way. */
class MessagesRequestTest {

    private static MessagesRequest parse(String json) {
        return MessagesRequest.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode json(String json) throws IOException {
        return JsonCodec.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Compares as parsed JSON, so 256 equals 256 whatever node type holds it. */
    private static void assertJson(String expected, JsonNode actual) throws IOException {
        assertEquals(json(expected), json(actual.toString()));
    }

    @Test
    void plainRequestKeepsModelAndMaxTokensAndSamplingParameters() throws IOException {
        MessagesRequest request = parse("""
                {"model":"claude-x","max_tokens":256,"temperature":0.5,"top_p":0.9,"stop_sequences":["END","STOP"],
                 "metadata":{"user_id":"user-42"},"messages":[{"role":"user","content":"Hello"}]}""");
        assertEquals("claude-x", request.model());
        assertFalse(request.stream());
        assertEquals(List.of(), request.dropped());
        assertJson("""
                {"model":"claude-x","messages":[{"role":"user","content":"Hello"}],"max_tokens":256,
                 "temperature":0.5,"top_p":0.9,"stop":["END","STOP"],"user":"user-42"}""", request.openAi());
    }

    @Test
    void systemBlocksBecomeOneLeadingSystemMessage() throws IOException {
        MessagesRequest request = parse("""
                {"model":"m","max_tokens":10,"system":[
                   {"type":"text","text":"You are terse.","cache_control":{"type":"ephemeral"}},
                   {"type":"text","text":"Answer in French."}],
                 "messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}]}""");
        assertJson("""
                [{"role":"system","content":"You are terse.\\nAnswer in French."},{"role":"user","content":"Hi"}]""",
                request.openAi().get("messages"));
        MessagesRequest plain = parse("""
                {"model":"m","max_tokens":10,"system":"Be brief.","messages":[{"role":"user","content":"Hi"}]}""");
        assertJson("{\"role\":\"system\",\"content\":\"Be brief.\"}", plain.openAi().at("/messages/0"));
    }

    @Test
    void systemMessagesInsideTheConversationKeepTheirPlace() throws IOException {
        MessagesRequest request = parse("""
                {"model":"m","max_tokens":10,"messages":[{"role":"user","content":"Hi"},
                  {"role":"system","content":[{"type":"text","text":"Now answer in Spanish."}]},
                  {"role":"user","content":"Again"}]}""");
        assertJson("""
                [{"role":"user","content":"Hi"},{"role":"system","content":"Now answer in Spanish."},
                 {"role":"user","content":"Again"}]""", request.openAi().get("messages"));
    }

    @Test
    void toolsAndToolChoiceBecomeFunctions() throws IOException {
        MessagesRequest request = parse("""
                {"model":"m","max_tokens":10,"messages":[{"role":"user","content":"Weather in Paris?"}],
                 "tools":[{"name":"get_weather","description":"Current weather",
                           "input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}],
                 "tool_choice":{"type":"tool","name":"get_weather","disable_parallel_tool_use":true}}""");
        assertJson("""
                [{"type":"function","function":{"name":"get_weather","description":"Current weather",
                  "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}]""",
                request.openAi().get("tools"));
        assertJson("{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}",
                request.openAi().get("tool_choice"));
        assertFalse(request.openAi().get("parallel_tool_calls").asBoolean());
    }

    @Test
    void toolChoiceKindsMapOntoOpenAiOnesAndAreDroppedWithoutTools() {
        String tools = "\"tools\":[{\"name\":\"t\",\"input_schema\":{\"type\":\"object\"}}]";
        String base = "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],";
        assertEquals("required", parse(base + tools + ",\"tool_choice\":{\"type\":\"any\"}}").openAi()
                .get("tool_choice").asText());
        assertEquals("auto", parse(base + tools + ",\"tool_choice\":{\"type\":\"auto\"}}").openAi()
                .get("tool_choice").asText());
        assertEquals("none", parse(base + tools + ",\"tool_choice\":{\"type\":\"none\"}}").openAi()
                .get("tool_choice").asText());
        assertFalse(parse(base + "\"tool_choice\":{\"type\":\"any\"}}").openAi().has("tool_choice"));
    }

    @Test
    void toolUseAndToolResultRoundTripAsToolCallsAndToolMessages() throws IOException {
        MessagesRequest request = parse("""
                {"model":"m","max_tokens":10,"messages":[
                  {"role":"user","content":"Weather in Paris?"},
                  {"role":"assistant","content":[
                     {"type":"thinking","thinking":"I should call the tool.","signature":"sig"},
                     {"type":"text","text":"Let me check."},
                     {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]},
                  {"role":"user","content":[
                     {"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"18C, sunny"}]},
                     {"type":"text","text":"And tomorrow?"}]}]}""");
        assertJson("""
                [{"role":"user","content":"Weather in Paris?"},
                 {"role":"assistant","content":"Let me check.","tool_calls":[{"id":"toolu_1","type":"function",
                   "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
                 {"role":"tool","tool_call_id":"toolu_1","content":"18C, sunny"},
                 {"role":"user","content":"And tomorrow?"}]""", request.openAi().get("messages"));
    }

    @Test
    void assistantTurnWithOnlyToolUseHasNullContentAndStringToolResultPassesAsIs() throws IOException {
        MessagesRequest request = parse("""
                {"model":"m","max_tokens":10,"messages":[
                  {"role":"user","content":"go"},
                  {"role":"assistant","content":[{"type":"tool_use","id":"call_9","name":"noop","input":{}}]},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"call_9","content":"done","is_error":true}]}]}""");
        assertTrue(request.openAi().at("/messages/1/content").isNull());
        assertEquals("{}", request.openAi().at("/messages/1/tool_calls/0/function/arguments").asText());
        assertJson("{\"role\":\"tool\",\"tool_call_id\":\"call_9\",\"content\":\"done\"}",
                request.openAi().at("/messages/2"));
        assertEquals(3, request.openAi().get("messages").size());
    }

    @Test
    void imagesBecomeImageUrlPartsFromBase64OrUrl() throws IOException {
        MessagesRequest request = parse("""
                {"model":"m","max_tokens":10,"messages":[{"role":"user","content":[
                   {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
                   {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}},
                   {"type":"text","text":"What are these?"}]}]}""");
        assertJson("""
                [{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
                 {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}},
                 {"type":"text","text":"What are these?"}]""", request.openAi().at("/messages/0/content"));
    }

    @Test
    void imageInAToolResultFollowsAsAUserMessage() throws IOException {
        MessagesRequest request = parse("""
                {"model":"m","max_tokens":10,"messages":[{"role":"user","content":[
                   {"type":"tool_result","tool_use_id":"t1","content":[{"type":"text","text":"screenshot:"},
                     {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"AAAA"}}]}]}]}""");
        assertJson("""
                [{"role":"tool","tool_call_id":"t1","content":"screenshot:"},
                 {"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,AAAA"}}]}]""",
                request.openAi().get("messages"));
    }

    @Test
    void topKAndThinkingAreDroppedAndReported() {
        MessagesRequest request = parse("""
                {"model":"m","max_tokens":10,"top_k":40,"thinking":{"type":"enabled","budget_tokens":1024},
                 "stream":true,"messages":[{"role":"user","content":"x"}]}""");
        assertEquals(List.of("top_k", "thinking"), request.dropped());
        assertEquals(List.of("output_config"), parse("""
                {"model":"m","max_tokens":10,"output_config":{"effort":"low"},"messages":[{"role":"user","content":"x"}]}""")
                .dropped());
        assertFalse(request.openAi().has("top_k"));
        assertFalse(request.openAi().has("thinking"));
        assertTrue(request.stream());
        assertTrue(request.openAi().get("stream").asBoolean());
    }

    @Test
    void invalidRequestsAreRefusedNamingTheField() {
        assertInvalid("max_tokens", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertInvalid("model", "{\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertInvalid("max_tokens", "{\"model\":\"m\",\"max_tokens\":0,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertInvalid("messages", "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[]}");
        assertInvalid("messages.0.role", "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}");
        assertInvalid("system.0", "{\"model\":\"m\",\"max_tokens\":5,\"system\":[{\"type\":\"image\"}],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertInvalid("messages.0.content.0", """
                {"model":"m","max_tokens":5,"messages":[{"role":"user","content":[
                  {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBE"}}]}]}""");
        assertInvalid("messages.0.content.0.source.data", """
                {"model":"m","max_tokens":5,"messages":[{"role":"user","content":[
                  {"type":"image","source":{"type":"base64","media_type":"image/png"}}]}]}""");
        assertInvalid("tools.0.type", """
                {"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],
                 "tools":[{"type":"web_search_20250305","name":"web_search"}]}""");
        assertInvalid("stream", "{\"model\":\"m\",\"max_tokens\":5,\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        ClientError notJson = assertThrows(ClientError.class, () -> parse("{\"model\":"));
        assertEquals("invalid_json", notJson.code());
    }

    private static void assertInvalid(String path, String body) {
        ClientError error = assertThrows(ClientError.class, () -> parse(body), body);
        assertEquals(400, error.status());
        assertEquals(path, error.param());
        assertTrue(error.getMessage().startsWith(path + ": "), error.getMessage());
    }
}
