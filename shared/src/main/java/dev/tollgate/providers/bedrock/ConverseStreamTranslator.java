package dev.tollgate.providers.bedrock;

import dev.tollgate.providers.OpenAiShapes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.FinishReasons;
import dev.tollgate.providers.Usage;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockDelta;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockDeltaEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockStartEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamMetadataEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamOutput;
import software.amazon.awssdk.services.bedrockruntime.model.MessageStartEvent;
import software.amazon.awssdk.services.bedrockruntime.model.MessageStopEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlockStart;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ConverseStream events to OpenAI {@code chat.completion.chunk}s, one event at a time. Tool-use blocks become
 * {@code tool_calls} numbered in order of appearance; the usage chunk (empty choices) follows the finish chunk,
 * as OpenAI sends it, and only when the client asked for it.
 */
final class ConverseStreamTranslator {

    private final String id;
    private final long created;
    private final String model;
    private final boolean clientWantsUsage;
    /** Converse content block index to OpenAI tool_calls index. */
    private final Map<Integer, Integer> toolIndexes = new HashMap<>();
    private Usage usage = Usage.NONE;

    ConverseStreamTranslator(String id, long created, String model, boolean clientWantsUsage) {
        this.id = id;
        this.created = created;
        this.model = model;
        this.clientWantsUsage = clientWantsUsage;
    }

    Usage usage() {
        return usage;
    }

    /** The chunks this event yields, often one, sometimes none. */
    List<byte[]> translate(ConverseStreamOutput event) {
        return switch (event) {
            case MessageStartEvent start -> {
                ObjectNode delta = JsonCodec.object();
                delta.put("role", "assistant");
                delta.put("content", "");
                yield List.of(chunk(delta, null));
            }
            case ContentBlockStartEvent start when start.start() != null && start.start().toolUse() != null ->
                    List.of(toolStart(start.contentBlockIndex(), start.start().toolUse()));
            case ContentBlockDeltaEvent delta when delta.delta() != null -> delta(delta.contentBlockIndex(),
                    delta.delta());
            case MessageStopEvent stop -> List.of(chunk(JsonCodec.object(),
                    FinishReasons.toOpenAi(stop.stopReasonAsString())));
            case ConverseStreamMetadataEvent metadata -> {
                usage = ConverseResponseMapper.usage(metadata.usage());
                yield clientWantsUsage ? List.of(usageChunk()) : List.of();
            }
            default -> List.of(); // contentBlockStop, and events this build does not know
        };
    }

    private byte[] toolStart(Integer blockIndex, ToolUseBlockStart toolUse) {
        int toolIndex = toolIndexes.size();
        toolIndexes.put(blockIndex, toolIndex);
        ObjectNode call = JsonCodec.object();
        call.put("index", toolIndex);
        call.put("id", toolUse.toolUseId());
        call.put("type", "function");
        ObjectNode function = call.putObject("function");
        function.put("name", toolUse.name());
        function.put("arguments", "");
        ObjectNode delta = JsonCodec.object();
        delta.putArray("tool_calls").add(call);
        return chunk(delta, null);
    }

    private List<byte[]> delta(Integer blockIndex, ContentBlockDelta delta) {
        if (delta.text() != null) {
            ObjectNode node = JsonCodec.object();
            node.put("content", delta.text());
            return List.of(chunk(node, null));
        }
        if (delta.toolUse() != null && delta.toolUse().input() != null) {
            Integer toolIndex = toolIndexes.get(blockIndex);
            if (toolIndex == null) {
                return List.of(); // a fragment for a block that never started: nothing to attach it to
            }
            ObjectNode call = JsonCodec.object();
            call.put("index", toolIndex);
            call.putObject("function").put("arguments", delta.toolUse().input());
            ObjectNode node = JsonCodec.object();
            node.putArray("tool_calls").add(call);
            return List.of(chunk(node, null));
        }
        return List.of(); // reasoning and citation deltas have no place in chat.completion.chunk
    }

    private byte[] chunk(ObjectNode delta, String finishReason) {
        return JsonCodec.bytes(OpenAiShapes.deltaChoice(header(), delta, finishReason));
    }

    private byte[] usageChunk() {
        return JsonCodec.bytes(OpenAiShapes.usageChunk(id, created, model, ConverseResponseMapper.usageJson(usage)));
    }

    private ObjectNode header() {
        return OpenAiShapes.chunk(id, created, model);
    }
}
