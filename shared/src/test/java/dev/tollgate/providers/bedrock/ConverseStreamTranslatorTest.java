package dev.tollgate.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.Usage;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockDelta;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockStart;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamOutput;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlockDelta;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlockStart;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConverseStreamTranslatorTest {

    static List<ConverseStreamOutput> textAndToolEvents() {
        return List.of(
                ConverseStreamOutput.messageStartBuilder().role("assistant").build(),
                ConverseStreamOutput.contentBlockDeltaBuilder().contentBlockIndex(0)
                        .delta(ContentBlockDelta.fromText("Let me ")).build(),
                ConverseStreamOutput.contentBlockDeltaBuilder().contentBlockIndex(0)
                        .delta(ContentBlockDelta.fromText("check.")).build(),
                ConverseStreamOutput.contentBlockStopBuilder().contentBlockIndex(0).build(),
                ConverseStreamOutput.contentBlockStartBuilder().contentBlockIndex(1)
                        .start(ContentBlockStart.fromToolUse(ToolUseBlockStart.builder().toolUseId("tu_9").name("lookup")
                                .build())).build(),
                ConverseStreamOutput.contentBlockDeltaBuilder().contentBlockIndex(1)
                        .delta(ContentBlockDelta.fromToolUse(ToolUseBlockDelta.builder().input("{\"q\":").build())).build(),
                ConverseStreamOutput.contentBlockDeltaBuilder().contentBlockIndex(1)
                        .delta(ContentBlockDelta.fromToolUse(ToolUseBlockDelta.builder().input("\"x\"}").build())).build(),
                ConverseStreamOutput.contentBlockStopBuilder().contentBlockIndex(1).build(),
                ConverseStreamOutput.messageStopBuilder().stopReason("tool_use").build(),
                ConverseStreamOutput.metadataBuilder().usage(TokenUsage.builder().inputTokens(30).outputTokens(12)
                        .totalTokens(52).cacheReadInputTokens(10).build()).build());
    }

    private static List<JsonNode> translate(boolean clientWantsUsage, ConverseStreamTranslator translator)
            throws IOException {
        List<JsonNode> chunks = new ArrayList<>();
        for (ConverseStreamOutput event : textAndToolEvents()) {
            for (byte[] chunk : translator.translate(event)) {
                chunks.add(JsonCodec.parse(chunk));
            }
        }
        return chunks;
    }

    @Test
    void eventsBecomeOpenAiChunksInOrder() throws IOException {
        ConverseStreamTranslator translator = new ConverseStreamTranslator("chatcmpl-r1", 1700000000L, "m", true);
        List<JsonNode> chunks = translate(true, translator);

        chunks.forEach(c -> {
            assertEquals("chatcmpl-r1", c.get("id").asText());
            assertEquals("chat.completion.chunk", c.get("object").asText());
        });
        assertEquals("assistant", chunks.get(0).at("/choices/0/delta/role").asText());
        assertEquals("Let me ", chunks.get(1).at("/choices/0/delta/content").asText());
        assertEquals("check.", chunks.get(2).at("/choices/0/delta/content").asText());
        JsonNode toolStart = chunks.get(3).at("/choices/0/delta/tool_calls/0");
        assertEquals(0, toolStart.get("index").asInt(), "the first tool call is index 0 though it is block 1");
        assertEquals("tu_9", toolStart.get("id").asText());
        assertEquals("lookup", toolStart.at("/function/name").asText());
        assertEquals("{\"q\":" + "\"x\"}", chunks.get(4).at("/choices/0/delta/tool_calls/0/function/arguments").asText()
                + chunks.get(5).at("/choices/0/delta/tool_calls/0/function/arguments").asText());
        assertEquals("tool_calls", chunks.get(6).at("/choices/0/finish_reason").asText());
        JsonNode usage = chunks.get(7);
        assertTrue(usage.get("choices").isEmpty());
        assertEquals(40, usage.at("/usage/prompt_tokens").asLong(), "30 uncached + 10 cache reads");
        assertEquals(10, usage.at("/usage/prompt_tokens_details/cached_tokens").asLong());
        assertEquals(8, chunks.size());
        assertEquals(new Usage(40, 12, 10, 0), translator.usage());
    }

    @Test
    void theUsageChunkIsLeftOutUnlessTheClientAskedButUsageIsStillKnown() throws IOException {
        ConverseStreamTranslator translator = new ConverseStreamTranslator("id", 1, "m", false);
        List<JsonNode> chunks = translate(false, translator);

        assertEquals(7, chunks.size());
        assertTrue(chunks.stream().noneMatch(c -> c.has("usage")));
        assertEquals(new Usage(40, 12, 10, 0), translator.usage());
    }
}
