package dev.tollgate.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.Target;
import dev.tollgate.errors.ClientError;
import dev.tollgate.errors.ErrorClass;
import dev.tollgate.errors.ProviderError;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.secrets.CredentialRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OpenAI Chat Completions requests become the Anthropic Messages bodies the documentation describes. */
class AnthropicRequestMapperTest {

    private static final Target TARGET = new Target("anthropic", "claude-sonnet-4-5", URI.create("https://api.anthropic.com"),
            new CredentialRef.None(), Duration.ofSeconds(30), JsonCodec.object());

    static ObjectNode request(String json) {
        try {
            return (ObjectNode) JsonCodec.parse(json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode map(String json) {
        return AnthropicRequestMapper.toAnthropic(request(json), TARGET, AnthropicOptions.of(JsonCodec.object()), false);
    }

    private static JsonNode json(String json) {
        return Fixtures.parse(json);
    }

    @Test
    void systemAndDeveloperMessagesAreLiftedToTopLevelSystemInOrder() {
        JsonNode body = map("""
                {"model":"public","messages":[
                  {"role":"system","content":"You are terse."},
                  {"role":"developer","content":[{"type":"text","text":"Answer in French."}]},
                  {"role":"user","content":"Hello"},
                  {"role":"system","content":"Never mention cats."}]}""");
        assertEquals(json("""
                [{"type":"text","text":"You are terse."},{"type":"text","text":"Answer in French."},
                 {"type":"text","text":"Never mention cats."}]"""), body.get("system"));
        assertEquals(json("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hello\"}]}]"), body.get("messages"));
        assertEquals("claude-sonnet-4-5", body.get("model").asText());
    }

    @Test
    void consecutiveMessagesOfOneRoleMergeSoRolesAlternate() {
        JsonNode body = map("""
                {"model":"m","messages":[
                  {"role":"user","content":"one"},{"role":"user","content":"two"},
                  {"role":"assistant","content":"three"},{"role":"assistant","content":"four"},
                  {"role":"user","content":"five"}]}""");
        assertEquals(json("""
                [{"role":"user","content":[{"type":"text","text":"one"},{"type":"text","text":"two"}]},
                 {"role":"assistant","content":[{"type":"text","text":"three"},{"type":"text","text":"four"}]},
                 {"role":"user","content":[{"type":"text","text":"five"}]}]"""), body.get("messages"));
        assertFalse(body.has("system"));
    }

    @Test
    void maxTokensComesFromMaxCompletionTokensThenMaxTokensThenTheTargetDefault() {
        assertEquals(77, map("{\"model\":\"m\",\"max_completion_tokens\":77,\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                .get("max_tokens").asLong());
        assertEquals(5, map("{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                .get("max_tokens").asLong());
        assertEquals(4096, map("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                .get("max_tokens").asLong());
        ObjectNode options = JsonCodec.object().put("max_tokens", 1000);
        JsonNode custom = AnthropicRequestMapper.toAnthropic(request("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),
                TARGET, AnthropicOptions.of(options), false);
        assertEquals(1000, custom.get("max_tokens").asLong());
        assertThrows(ClientError.class, () -> map("{\"model\":\"m\",\"max_tokens\":0,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"));
    }

    @Test
    void samplingStopAndUserAreMapped() {
        JsonNode body = map("""
                {"model":"m","temperature":0.5,"top_p":0.9,"stop":["END","###"],"user":"user-42",
                 "messages":[{"role":"user","content":"x"}]}""");
        assertEquals(0.5, body.get("temperature").asDouble());
        assertEquals(0.9, body.get("top_p").asDouble());
        assertEquals(json("[\"END\",\"###\"]"), body.get("stop_sequences"));
        assertEquals("user-42", body.at("/metadata/user_id").asText());
        assertEquals(json("[\"STOP\"]"), map("{\"model\":\"m\",\"stop\":\"STOP\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                .get("stop_sequences"));
        assertFalse(body.has("stream"));
    }

    @Test
    void functionToolsBecomeAnthropicToolsWithInputSchema() {
        JsonNode body = map("""
                {"model":"m","messages":[{"role":"user","content":"weather?"}],
                 "tools":[{"type":"function","function":{"name":"get_weather","description":"Get the weather",
                   "parameters":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]},
                   "strict":true}},
                  {"type":"function","function":{"name":"now"}}],
                 "tool_choice":"required"}""");
        assertEquals(json("""
                [{"name":"get_weather","description":"Get the weather",
                  "input_schema":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}},
                 {"name":"now","input_schema":{"type":"object","properties":{}}}]"""), body.get("tools"));
        assertEquals(json("{\"type\":\"any\"}"), body.get("tool_choice"));
    }

    @Test
    void toolChoiceVariantsAndParallelToolCallsMap() {
        String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}]";
        String base = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]," + tools;
        assertEquals(json("{\"type\":\"auto\"}"), map(base + ",\"tool_choice\":\"auto\"}").get("tool_choice"));
        assertEquals(json("{\"type\":\"none\"}"), map(base + ",\"tool_choice\":\"none\"}").get("tool_choice"));
        assertEquals(json("{\"type\":\"tool\",\"name\":\"f\"}"),
                map(base + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"f\"}}}").get("tool_choice"));
        assertEquals(json("{\"type\":\"auto\",\"disable_parallel_tool_use\":true}"),
                map(base + ",\"parallel_tool_calls\":false}").get("tool_choice"));
        assertEquals(json("{\"type\":\"any\",\"disable_parallel_tool_use\":true}"),
                map(base + ",\"tool_choice\":\"required\",\"parallel_tool_calls\":false}").get("tool_choice"));
        assertFalse(map(base + "}").has("tool_choice"));
        assertFalse(map("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tool_choice\":\"auto\"}")
                .has("tool_choice"), "a tool_choice without tools is not sent");
    }

    @Test
    void assistantToolCallsBecomeToolUseAndToolMessagesBecomeOneUserMessageOfToolResults() {
        JsonNode body = map("""
                {"model":"m","messages":[
                  {"role":"user","content":"Weather in Paris and Rome?"},
                  {"role":"assistant","content":"Checking.","tool_calls":[
                    {"id":"toolu_01","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
                    {"id":"toolu_02","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Rome\\"}"}}]},
                  {"role":"tool","tool_call_id":"toolu_01","content":"18C"},
                  {"role":"tool","tool_call_id":"toolu_02","content":[{"type":"text","text":"24C"}]},
                  {"role":"user","content":"Thanks, which is warmer?"}]}""");
        assertEquals(json("""
                [{"role":"user","content":[{"type":"text","text":"Weather in Paris and Rome?"}]},
                 {"role":"assistant","content":[{"type":"text","text":"Checking."},
                   {"type":"tool_use","id":"toolu_01","name":"get_weather","input":{"city":"Paris"}},
                   {"type":"tool_use","id":"toolu_02","name":"get_weather","input":{"city":"Rome"}}]},
                 {"role":"user","content":[
                   {"type":"tool_result","tool_use_id":"toolu_01","content":"18C"},
                   {"type":"tool_result","tool_use_id":"toolu_02","content":[{"type":"text","text":"24C"}]},
                   {"type":"text","text":"Thanks, which is warmer?"}]}]"""), body.get("messages"));
    }

    @Test
    void assistantWithOnlyToolCallsAndNullContentHasOnlyToolUseBlocks() {
        JsonNode body = map("""
                {"model":"m","messages":[{"role":"user","content":"time?"},
                  {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"now","arguments":""}}]},
                  {"role":"tool","tool_call_id":"call_1","content":"noon"}]}""");
        assertEquals(json("[{\"type\":\"tool_use\",\"id\":\"call_1\",\"name\":\"now\",\"input\":{}}]"),
                body.at("/messages/1/content"));
    }

    /** Regression (found by the fuzzer): these once threw a NullPointerException, a 500, instead of a 400. */
    @ParameterizedTest
    @ValueSource(strings = {"{\"id\":\"call_1\"}", "\"call_1\"", "42", "true", "[\"call_1\"]", "[null]", "[[]]", "[7]"})
    void toolCallsThatAreNotAnArrayOfObjectsAreA400NamingTheField(String toolCalls) {
        ClientError error = assertThrows(ClientError.class, () -> map("""
                {"model":"m","messages":[{"role":"user","content":"time?"},
                  {"role":"assistant","content":"Checking.","tool_calls":%s}]}""".formatted(toolCalls)));
        assertEquals(400, error.status());
        assertTrue(error.param().startsWith("messages[1].tool_calls"), error.param());
    }

    @Test
    void imagePartsBecomeBase64OrUrlSources() {
        JsonNode body = map("""
                {"model":"m","messages":[{"role":"user","content":[
                  {"type":"text","text":"Compare these"},
                  {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"high"}},
                  {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]}]}""");
        assertEquals(json("""
                [{"type":"text","text":"Compare these"},
                 {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
                 {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}]"""),
                body.at("/messages/0/content"));
    }

    @Test
    void imagesAnthropicCannotReadAreRefusedNamingThePart() {
        ProviderError error = assertThrows(ProviderError.class, () -> map("""
                {"model":"m","messages":[{"role":"user","content":[
                  {"type":"image_url","image_url":{"url":"data:image/tiff;base64,AAAA"}}]}]}"""));
        assertTrue(error.getMessage().contains("messages[0].content[0].image_url.url"), error.getMessage());
        assertThrows(ClientError.class, () -> map("""
                {"model":"m","messages":[{"role":"user","content":[
                  {"type":"image_url","image_url":{"url":"ftp://example.com/cat.jpg"}}]}]}"""));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "\"n\":2", "\"logprobs\":true", "\"top_logprobs\":3", "\"response_format\":{\"type\":\"json_object\"}",
            "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":{}}}",
            "\"logit_bias\":{\"50256\":-100}", "\"modalities\":[\"text\",\"audio\"]", "\"audio\":{\"voice\":\"alloy\"}",
            "\"web_search_options\":{}", "\"functions\":[{\"name\":\"f\"}]", "\"temperature\":1.5",
            "\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"x\"}}]",
    })
    void parametersAnthropicCannotHonourAreRefusedWithA400ThatLetsTheRouteFallBack(String field) {
        ProviderError error = assertThrows(ProviderError.class,
                () -> map("{\"model\":\"m\"," + field + ",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"));
        assertEquals(400, error.status());
        assertEquals("unsupported_parameter", error.code());
        assertEquals(ErrorClass.FALLBACK, error.errorClass());
        assertEquals(0, error.upstreamStatus(), "nothing was sent upstream");
    }

    @Test
    void neutralValuesOfRefusedParametersPass() {
        JsonNode body = map("""
                {"model":"m","n":1,"logprobs":false,"top_logprobs":null,"response_format":{"type":"text"},
                 "logit_bias":{},"modalities":["text"],"temperature":1,"messages":[{"role":"user","content":"x"}]}""");
        for (String field : new String[] {"n", "logprobs", "top_logprobs", "response_format", "logit_bias", "modalities"}) {
            assertFalse(body.has(field), field);
        }
    }

    @Test
    void bestEffortHintsAreDroppedSilently() {
        ObjectNode request = request("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        for (String field : ParameterPolicy.DROPPED) {
            request.put(field, field.equals("store") ? "true" : "0.5");
        }
        JsonNode body = AnthropicRequestMapper.toAnthropic(request, TARGET, AnthropicOptions.of(JsonCodec.object()), false);
        for (String field : ParameterPolicy.DROPPED) {
            assertFalse(body.has(field), field);
        }
        assertEquals(JsonCodec.MAPPER.createArrayNode().add("model").add("max_tokens").add("messages"),
                JsonCodec.MAPPER.valueToTree(iterableNames(body)));
    }

    private static List<String> iterableNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void streamingRequestsSayStream() {
        JsonNode body = AnthropicRequestMapper.toAnthropic(
                request("{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),
                TARGET, AnthropicOptions.of(JsonCodec.object()), true);
        assertTrue(body.get("stream").asBoolean());
        assertFalse(body.has("stream_options"));
    }
}
