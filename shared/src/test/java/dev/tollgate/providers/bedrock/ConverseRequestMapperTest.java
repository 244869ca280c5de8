package dev.tollgate.providers.bedrock;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.errors.ClientError;
import dev.tollgate.json.JsonCodec;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ImageFormat;
import software.amazon.awssdk.services.bedrockruntime.model.Message;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConverseRequestMapperTest {

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) JsonCodec.parse(text.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ConverseRequest map(String body) {
        return ConverseRequestMapper.map(json(body), "model-x").converse();
    }

    @Test
    void systemAndDeveloperMessagesBecomeSystemBlocksAndTheRestAlternates() {
        ConverseRequest request = map("""
                {'model':'m','messages':[
                  {'role':'system','content':'You are terse.'},
                  {'role':'developer','content':[{'type':'text','text':'Answer in French.'}]},
                  {'role':'user','content':'Hi'},
                  {'role':'user','content':'Still there?'},
                  {'role':'assistant','content':'Oui.'}]}""");

        assertEquals("model-x", request.modelId());
        assertEquals(List.of("You are terse.", "Answer in French."), request.system().stream().map(s -> s.text()).toList());
        assertEquals(2, request.messages().size(), "consecutive user turns merge into one message");
        assertEquals(ConversationRole.USER, request.messages().get(0).role());
        assertEquals(List.of("Hi", "Still there?"), request.messages().get(0).content().stream().map(ContentBlock::text).toList());
        assertEquals(ConversationRole.ASSISTANT, request.messages().get(1).role());
    }

    @Test
    void assistantToolCallsBecomeToolUseAndToolMessagesBecomeToolResultsInOneUserTurn() {
        ConverseRequest request = map("""
                {'model':'m','messages':[
                  {'role':'user','content':'Weather in Paris and Rome?'},
                  {'role':'assistant','content':null,'tool_calls':[
                    {'id':'call_1','type':'function','function':{'name':'weather','arguments':'{\\'city\\':\\'Paris\\'}'}},
                    {'id':'call_2','type':'function','function':{'name':'weather','arguments':'{\\'city\\':\\'Rome\\'}'}}]},
                  {'role':'tool','tool_call_id':'call_1','content':'18C'},
                  {'role':'tool','tool_call_id':'call_2','content':[{'type':'text','text':'21C'}]}],
                 'tools':[{'type':'function','function':{'name':'weather','parameters':{'type':'object'}}}]}""");

        Message assistant = request.messages().get(1);
        assertEquals(2, assistant.content().size());
        assertEquals("call_1", assistant.content().get(0).toolUse().toolUseId());
        assertEquals("Paris", assistant.content().get(0).toolUse().input().asMap().get("city").asString());
        Message results = request.messages().get(2);
        assertEquals(ConversationRole.USER, results.role());
        assertEquals(List.of("call_1", "call_2"), results.content().stream().map(c -> c.toolResult().toolUseId()).toList());
        assertEquals("21C", results.content().get(1).toolResult().content().getFirst().text());
    }

    @Test
    void aDataUrlImageBecomesImageBytes() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
        ConverseRequest request = map("""
                {'model':'m','messages':[{'role':'user','content':[
                  {'type':'text','text':'What is this?'},
                  {'type':'image_url','image_url':{'url':'data:image/png;base64,%s'}}]}]}"""
                .formatted(Base64.getEncoder().encodeToString(png)));

        ContentBlock image = request.messages().getFirst().content().get(1);
        assertEquals(ImageFormat.PNG, image.image().format());
        assertArrayEquals(png, image.image().source().bytes().asByteArray());
    }

    @Test
    void anHttpImageUrlIsRefusedNamingThePart() {
        ClientError e = assertThrows(ClientError.class, () -> map("""
                {'model':'m','messages':[{'role':'user','content':[
                  {'type':'image_url','image_url':{'url':'https://example.com/a.png'}}]}]}"""));
        assertEquals(400, e.status());
        assertEquals("messages[0].content[0].image_url.url", e.param());
    }

    @Test
    void samplingParametersGoToInferenceConfig() {
        ConverseRequest request = map("""
                {'model':'m','messages':[{'role':'user','content':'Hi'}],
                 'max_completion_tokens':300,'max_tokens':10,'temperature':0.5,'top_p':0.9,'stop':['END','STOP'],
                 'user':'u-1','seed':7,'presence_penalty':0.1,'parallel_tool_calls':false}""");

        assertEquals(300, request.inferenceConfig().maxTokens(), "max_completion_tokens wins over the legacy field");
        assertEquals(0.5f, request.inferenceConfig().temperature());
        assertEquals(0.9f, request.inferenceConfig().topP());
        assertEquals(List.of("END", "STOP"), request.inferenceConfig().stopSequences());
    }

    @Test
    void noSamplingParametersMeansNoInferenceConfig() {
        assertNull(map("{'model':'m','messages':[{'role':'user','content':'Hi'}]}").inferenceConfig());
    }

    @Test
    void toolChoicesMapToAutoAnyAndNamedTool() {
        String base = "{'model':'m','messages':[{'role':'user','content':'Hi'}],"
                + "'tools':[{'type':'function','function':{'name':'f','description':'does f'}}]";
        ConverseRequest auto = map(base + ",'tool_choice':'auto'}");
        assertNotNull(auto.toolConfig().toolChoice().auto());
        assertEquals("does f", auto.toolConfig().tools().getFirst().toolSpec().description());
        assertEquals("object", auto.toolConfig().tools().getFirst().toolSpec().inputSchema().json().asMap().get("type")
                .asString(), "a function without parameters gets an empty object schema");
        assertNotNull(map(base + ",'tool_choice':'required'}").toolConfig().toolChoice().any());
        assertEquals("f", map(base + ",'tool_choice':{'type':'function','function':{'name':'f'}}}")
                .toolConfig().toolChoice().tool().name());
        assertNull(map(base + "}").toolConfig().toolChoice(), "no tool_choice leaves the model's default");
        assertNull(map(base + ",'tool_choice':'none'}").toolConfig(), "none leaves the tools out");
    }

    @Test
    void toolChoiceNoneKeepsTheToolsWhenTheHistoryHasToolCalls() {
        ConverseRequest request = map("""
                {'model':'m','tool_choice':'none','tools':[{'type':'function','function':{'name':'f'}}],
                 'messages':[{'role':'user','content':'Hi'},
                  {'role':'assistant','tool_calls':[{'id':'c1','type':'function','function':{'name':'f','arguments':'{}'}}]},
                  {'role':'tool','tool_call_id':'c1','content':'done'}]}""");
        assertNotNull(request.toolConfig(), "Converse rejects toolUse history without a toolConfig");
        assertNull(request.toolConfig().toolChoice());
    }

    @Test
    void parametersBedrockCannotHonourAreRefused() {
        String base = "{'model':'m','messages':[{'role':'user','content':'Hi'}]";
        assertEquals("n", assertThrows(ClientError.class, () -> map(base + ",'n':2}")).param());
        assertEquals("logprobs", assertThrows(ClientError.class, () -> map(base + ",'logprobs':true}")).param());
        assertEquals("response_format", assertThrows(ClientError.class,
                () -> map(base + ",'response_format':{'type':'json_object'}}")).param());
        assertEquals("messages[0].content[0].type", assertThrows(ClientError.class, () -> map(
                "{'model':'m','messages':[{'role':'user','content':[{'type':'input_audio','input_audio':{}}]}]}")).param());
        assertEquals("messages[0].role", assertThrows(ClientError.class, () -> map(
                "{'model':'m','messages':[{'role':'function','content':'x'}]}")).param());
        assertEquals("messages[1].tool_calls[0].function.arguments", assertThrows(ClientError.class, () -> map(
                "{'model':'m','messages':[{'role':'user','content':'Hi'},{'role':'assistant','tool_calls':"
                        + "[{'id':'c','type':'function','function':{'name':'f','arguments':'not json'}}]}]}")).param());
        // n=1 and a text response format are fine
        assertTrue(map(base + ",'n':1,'response_format':{'type':'text'}}").messages().size() == 1);
    }

    @Test
    void aConversationOfOnlySystemTextIsRefused() {
        assertThrows(ClientError.class, () -> map("{'model':'m','messages':[{'role':'system','content':'x'}]}"));
    }
}
