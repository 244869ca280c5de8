package dev.tollgate.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.JsonCodec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The shapes are pinned as bytes: field order and explicit nulls are what OpenAI writes and clients parse. */
class OpenAiShapesTest {

    private static String text(JsonNode node) {
        return new String(JsonCodec.bytes(node), StandardCharsets.UTF_8);
    }

    @Test
    void aDeltaChunkCarriesOneChoiceWithNullLogprobsAndANullFinishReasonUntilTheEnd() {
        ObjectNode delta = JsonCodec.object().put("content", "Hi");
        assertEquals("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":7,\"model\":\"m\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"logprobs\":null,"
                        + "\"finish_reason\":null}]}",
                text(OpenAiShapes.deltaChoice(OpenAiShapes.chunk("c1", 7, "m"), delta, null)));
        assertEquals("{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}",
                text(OpenAiShapes.deltaChoice(JsonCodec.object(), JsonCodec.object(), "stop").get("choices").get(0)));
    }

    @Test
    void aWholeAnswerHasTheCompletionEnvelopeAndAMessageChoice() {
        ObjectNode body = OpenAiShapes.completion("c2", 9, "m");
        ArrayNode choices = body.putArray("choices");
        OpenAiShapes.messageChoice(choices, 0, OpenAiShapes.assistantMessage("Hello", List.of()), "stop");
        OpenAiShapes.messageChoice(choices, 1, OpenAiShapes.assistantMessage("Again", List.of()), "length");
        assertEquals("{\"id\":\"c2\",\"object\":\"chat.completion\",\"created\":9,\"model\":\"m\",\"choices\":["
                        + "{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello\",\"refusal\":null,"
                        + "\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"},"
                        + "{\"index\":1,\"message\":{\"role\":\"assistant\",\"content\":\"Again\",\"refusal\":null,"
                        + "\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"length\"}]}",
                text(body));
    }

    @Test
    void anAnswerOfOnlyToolCallsHasNullContentAndTheCallsBeforeTheAnnotations() {
        ArrayNode calls = JsonCodec.MAPPER.createArrayNode();
        calls.addObject().put("id", "call_1").put("type", "function");
        assertEquals("{\"role\":\"assistant\",\"content\":null,\"refusal\":null,"
                        + "\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\"}],\"annotations\":[]}",
                text(OpenAiShapes.assistantMessage(null, calls)));
    }

    @Test
    void theUsageChunkHasNoChoicesAndTheUsageObjectWithReasoningTokensWhereCounted() {
        ObjectNode usage = OpenAiShapes.usage(new Usage(10, 5, 2), 3);
        assertEquals("{\"id\":\"c3\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                        + "\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15,"
                        + "\"prompt_tokens_details\":{\"cached_tokens\":2,\"audio_tokens\":0},"
                        + "\"completion_tokens_details\":{\"reasoning_tokens\":3,\"audio_tokens\":0,"
                        + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}}",
                text(OpenAiShapes.usageChunk("c3", 1, "m", usage)));
        assertEquals(0, OpenAiShapes.usage(new Usage(10, 5, 2)).path("completion_tokens_details")
                .path("reasoning_tokens").asLong(-1));
    }
}
