package dev.tollgate.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.errors.ClientError;
import dev.tollgate.errors.ErrorClass;
import dev.tollgate.errors.ProviderError;
import dev.tollgate.json.JsonCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.tollgate.providers.Fixtures.object;
import static dev.tollgate.providers.Fixtures.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GeminiRequestMapperTest {

    private static ObjectNode map(String openAiRequest) {
        return GeminiRequestMapper.map(object(openAiRequest), "gemini-2.5-flash", JsonCodec.object());
    }

    @Test
    void messagesAndSamplingParametersBecomeContentsSystemInstructionAndGenerationConfig() {
        ObjectNode gemini = map("""
                {"model":"fast","messages":[
                  {"role":"system","content":"You are terse."},
                  {"role":"developer","content":[{"type":"text","text":"Answer in English."}]},
                  {"role":"user","content":"Capital of France?"},
                  {"role":"assistant","content":"Paris."},
                  {"role":"user","content":[{"type":"text","text":"And Spain?"}]}],
                 "temperature":0.2,"top_p":0.9,"max_tokens":50,"max_completion_tokens":100,
                 "stop":"END","seed":7,"presence_penalty":0.5,"frequency_penalty":0.1,"n":1,
                 "stream":true,"stream_options":{"include_usage":true},"user":"u-1","metadata":{"a":"b"},
                 "parallel_tool_calls":false,"store":false,"logprobs":false}""");
        assertEquals(parse("""
                {"contents":[
                  {"role":"user","parts":[{"text":"Capital of France?"}]},
                  {"role":"model","parts":[{"text":"Paris."}]},
                  {"role":"user","parts":[{"text":"And Spain?"}]}],
                 "systemInstruction":{"parts":[{"text":"You are terse."},{"text":"Answer in English."}]},
                 "generationConfig":{"temperature":0.2,"topP":0.9,"presencePenalty":0.5,"frequencyPenalty":0.1,
                   "seed":7,"maxOutputTokens":100,"stopSequences":["END"]}}"""), gemini);
    }

    @Test
    void maxTokensIsUsedWhenMaxCompletionTokensIsAbsent() {
        ObjectNode gemini = map("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":64,"stop":["a","b"]}""");
        assertEquals(64, gemini.at("/generationConfig/maxOutputTokens").asInt());
        assertEquals(parse("[\"a\",\"b\"]"), gemini.at("/generationConfig/stopSequences"));
    }

    @Test
    void imagesGoInlineFromDataUrlsAndByReferenceFromHttpUrls() {
        ObjectNode gemini = map("""
                {"model":"m","messages":[{"role":"user","content":[
                  {"type":"text","text":"Compare"},
                  {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"high"}},
                  {"type":"image_url","image_url":{"url":"https://example.com/cat.JPG"}},
                  {"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}},
                  {"type":"file","file":{"filename":"a.pdf","file_data":"data:application/pdf;base64,JVBERi0="}}]}]}""");
        assertEquals(parse("""
                [{"text":"Compare"},
                 {"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo="}},
                 {"fileData":{"mimeType":"image/jpeg","fileUri":"https://example.com/cat.JPG"}},
                 {"inlineData":{"mimeType":"audio/wav","data":"UklGRg=="}},
                 {"inlineData":{"mimeType":"application/pdf","data":"JVBERi0="}}]"""),
                gemini.at("/contents/0/parts"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"data:image/png,rawbytes", "data:;base64,AAAA", "ftp://example.com/a.png"})
    void unreadableImageUrlsAreRefusedAsInvalidRequests(String url) {
        ClientError error = assertThrows(ClientError.class, () -> map("""
                {"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"%s"}}]}]}"""
                .formatted(url)));
        assertEquals(400, error.status());
        assertEquals("messages[0].content[0].image_url.url", error.param());
    }

    @Test
    void toolsToolChoiceCallsAndResultsRoundTripWithFunctionNamesRecoveredFromCallIds() {
        ObjectNode gemini = map("""
                {"model":"m","messages":[
                  {"role":"user","content":"Weather and time in Paris?"},
                  {"role":"assistant","content":null,"tool_calls":[
                    {"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"},
                     "extra_content":{"google":{"thought_signature":"sig-1"}}},
                    {"id":"call_b","type":"function","function":{"name":"get_time","arguments":""}}]},
                  {"role":"tool","tool_call_id":"call_a","content":"{\\"temp_c\\":21}"},
                  {"role":"tool","tool_call_id":"call_b","content":[{"type":"text","text":"14:05"}]}],
                 "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather now",
                   "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],
                   "additionalProperties":false},"strict":true}},
                   {"type":"function","function":{"name":"get_time"}}],
                 "tool_choice":"required"}""");
        assertEquals(parse("""
                [{"role":"user","parts":[{"text":"Weather and time in Paris?"}]},
                 {"role":"model","parts":[
                   {"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"sig-1"},
                   {"functionCall":{"name":"get_time","args":{}}}]},
                 {"role":"user","parts":[
                   {"functionResponse":{"name":"get_weather","response":{"temp_c":21}}},
                   {"functionResponse":{"name":"get_time","response":{"output":"14:05"}}}]}]"""),
                gemini.get("contents"));
        assertEquals(parse("""
                [{"functionDeclarations":[
                  {"name":"get_weather","description":"Weather now","parametersJsonSchema":{"type":"object",
                   "properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}},
                  {"name":"get_time"}]}]"""), gemini.get("tools"));
        assertEquals(parse("{\"functionCallingConfig\":{\"mode\":\"ANY\"}}"), gemini.get("toolConfig"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"auto\"| {\"functionCallingConfig\":{\"mode\":\"AUTO\"}}",
            "\"none\"| {\"functionCallingConfig\":{\"mode\":\"NONE\"}}",
            "{\"type\":\"function\",\"function\":{\"name\":\"b\"}}| {\"functionCallingConfig\":{\"mode\":\"ANY\",\"allowedFunctionNames\":[\"b\"]}}",
            "{\"type\":\"allowed_tools\",\"allowed_tools\":{\"mode\":\"required\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"a\"}}]}}| {\"functionCallingConfig\":{\"mode\":\"ANY\",\"allowedFunctionNames\":[\"a\"]}}",
    })
    void toolChoiceMapsToFunctionCallingConfig(String choice, String expected) {
        ObjectNode gemini = map("""
                {"model":"m","messages":[{"role":"user","content":"x"}],"tool_choice":%s,
                 "tools":[{"type":"function","function":{"name":"a"}},{"type":"function","function":{"name":"b"}}]}"""
                .formatted(choice));
        assertEquals(parse(expected), gemini.get("toolConfig"));
    }

    @Test
    void allowedToolsUnderAutoLeaveTheOtherToolsOut() {
        ObjectNode gemini = map("""
                {"model":"m","messages":[{"role":"user","content":"x"}],
                 "tool_choice":{"type":"allowed_tools","allowed_tools":{"mode":"auto","tools":[{"type":"function","function":{"name":"b"}}]}},
                 "tools":[{"type":"function","function":{"name":"a"}},{"type":"function","function":{"name":"b"}}]}""");
        assertEquals(parse("[{\"functionDeclarations\":[{\"name\":\"b\"}]}]"), gemini.get("tools"));
        assertEquals("AUTO", gemini.at("/toolConfig/functionCallingConfig/mode").asText());
    }

    @Test
    void aToolResultForAnUnknownCallIdIsAnInvalidRequest() {
        ClientError error = assertThrows(ClientError.class, () -> map("""
                {"model":"m","messages":[{"role":"user","content":"x"},
                  {"role":"tool","tool_call_id":"call_missing","content":"42"}]}"""));
        assertEquals("messages[1].tool_call_id", error.param());
    }

    @Test
    void jsonObjectAndJsonSchemaResponseFormatsConstrainTheOutput() {
        ObjectNode object = map("""
                {"model":"m","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_object"}}""");
        assertEquals(parse("{\"responseMimeType\":\"application/json\"}"), object.get("generationConfig"));
        ObjectNode schema = map("""
                {"model":"m","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema",
                 "json_schema":{"name":"city","strict":true,"schema":{"type":"object","properties":{"name":{"type":"string"}},
                 "required":["name"],"additionalProperties":false}}}}""");
        assertEquals(parse("""
                {"responseMimeType":"application/json","responseJsonSchema":{"type":"object",
                 "properties":{"name":{"type":"string"}},"required":["name"],"additionalProperties":false}}"""),
                schema.get("generationConfig"));
    }

    @Test
    void reasoningEffortIsABudgetBeforeGemini3AndALevelFrom3() {
        ObjectNode request = object("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + "\"reasoning_effort\":\"low\"}");
        assertEquals(parse("{\"thinkingBudget\":1024}"),
                GeminiRequestMapper.map(request, "gemini-2.5-flash", JsonCodec.object()).at("/generationConfig/thinkingConfig"));
        assertEquals(parse("{\"thinkingLevel\":\"low\"}"),
                GeminiRequestMapper.map(request, "models/gemini-3-pro-preview", JsonCodec.object())
                        .at("/generationConfig/thinkingConfig"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"n\":2 | n",
            "\"logprobs\":true | logprobs",
            "\"top_logprobs\":3 | top_logprobs",
            "\"logit_bias\":{\"50256\":-100} | logit_bias",
            "\"modalities\":[\"text\",\"audio\"] | modalities",
            "\"audio\":{\"voice\":\"alloy\",\"format\":\"wav\"} | audio",
            "\"web_search_options\":{} | web_search_options",
            "\"functions\":[{\"name\":\"f\"}] | functions",
            "\"function_call\":\"auto\" | function_call",
            "\"some_future_parameter\":1 | some_future_parameter",
            "\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"grammar\"}}] | tools[0].type",
    })
    void parametersGeminiCannotHonourAreRefusedByNameSoAnotherTargetMayTakeThem(String parameter, String param) {
        ProviderError error = assertThrows(ProviderError.class, () -> map(
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]," + parameter + "}"));
        assertEquals(400, error.status());
        assertEquals("unsupported_parameter", error.code());
        assertEquals(param, error.param());
        assertEquals(ErrorClass.FALLBACK, error.errorClass());
    }

    @Test
    void parametersThatCannotChangeTheAnswerAreDroppedAndNullsIgnored() {
        ObjectNode gemini = map("""
                {"model":"m","messages":[{"role":"user","content":"x"}],"user":"u","metadata":{"k":"v"},"store":true,
                 "service_tier":"auto","safety_identifier":"s","prompt_cache_key":"p","parallel_tool_calls":true,
                 "prediction":{"type":"content","content":"x"},"logit_bias":{},"temperature":null,"n":null}""");
        assertFalse(gemini.has("generationConfig"), gemini.toString());
        assertEquals(1, gemini.size(), gemini.toString());
    }

    @Test
    void safetySettingsFromTheTargetOptionsAreSent() {
        ObjectNode options = object("{\"safety_settings\":[{\"category\":\"HARM_CATEGORY_HARASSMENT\","
                + "\"threshold\":\"BLOCK_ONLY_HIGH\"}]}");
        ObjectNode gemini = GeminiRequestMapper.map(object("{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"x\"}]}"), "gemini-2.0-flash", options);
        JsonNode settings = gemini.get("safetySettings");
        assertTrue(settings.isArray() && settings.size() == 1, gemini.toString());
        assertEquals("BLOCK_ONLY_HIGH", settings.at("/0/threshold").asText());
    }

    @Test
    void toolCallArgumentsThatAreNotAJsonObjectCannotBeSentToGemini() {
        ProviderError error = assertThrows(ProviderError.class, () -> map("""
                {"model":"m","messages":[{"role":"user","content":"x"},
                  {"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"[1,2]"}}]}]}"""));
        assertEquals("messages[1].tool_calls[0].function.arguments", error.param());
    }
}
