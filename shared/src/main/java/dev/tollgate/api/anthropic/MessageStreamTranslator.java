package dev.tollgate.api.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.errors.GatewayException;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.Usage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a stream of OpenAI chat.completion.chunk objects into Anthropic's stream events: message_start; per
 * content block a content_block_start, its deltas (text_delta, or input_json_delta for a tool call's arguments)
 * and a content_block_stop; then message_delta (stop reason, cumulative usage) and message_stop. Text and each
 * tool call get their own block, in the order they arrive. One translator per stream; not thread-safe.
 *
 * <p>OpenAI streams one tool call after another; should an upstream go back to an earlier call after a later
 * one began, its argument pieces are sent at the earlier block's index, the best Anthropic's format allows.
 */
public final class MessageStreamTranslator {

    private static final int NONE = -1;

    private final String messageId;
    private final String model;
    private final Map<Integer, Integer> toolBlocks = new HashMap<>();
    private int nextBlock;
    private int openBlock = NONE;
    private boolean openIsText;
    private String finishReason;

    /** @param model the public model name the client asked for */
    public MessageStreamTranslator(String messageId, String model) {
        this.messageId = messageId;
        this.model = model;
    }

    /** message_start, with the input tokens when the upstream already told them ({@link Usage#NONE} if not). */
    public StreamEvent start(Usage known) {
        ObjectNode message = JsonCodec.object();
        message.put("id", messageId);
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", model);
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        message.set("usage", AnthropicUsage.of(
                new Usage(known.promptTokens(), 0, known.cachedTokens(), known.cacheWriteTokens())));
        ObjectNode data = event("message_start");
        data.set("message", message);
        return new StreamEvent("message_start", data);
    }

    /** The events one upstream chunk makes, often one, none for a chunk that carries only usage or a role. */
    public List<StreamEvent> chunk(byte[] json) throws IOException {
        JsonNode root = JsonCodec.parse(json);
        List<StreamEvent> events = new ArrayList<>(2);
        JsonNode choice = root == null ? null : root.path("choices").path(0);
        if (choice == null || !choice.isObject()) {
            return events;
        }
        JsonNode delta = choice.path("delta");
        String text = delta.path("content").asText("") + delta.path("refusal").asText("");
        if (!text.isEmpty()) {
            if (openBlock == NONE || !openIsText) {
                open(ContentBlocks.text(""), true, events);
            }
            ObjectNode textDelta = JsonCodec.object().put("type", "text_delta").put("text", text);
            events.add(delta(openBlock, textDelta));
        }
        for (JsonNode call : delta.path("tool_calls")) {
            int toolIndex = call.path("index").asInt(0);
            Integer block = toolBlocks.get(toolIndex);
            if (block == null) {
                JsonNode function = call.path("function");
                block = open(ContentBlocks.toolUse(call.path("id").asText(null), function.path("name").asText(null),
                        JsonCodec.object()), false, events);
                toolBlocks.put(toolIndex, block);
            }
            String arguments = call.path("function").path("arguments").asText("");
            if (!arguments.isEmpty()) {
                ObjectNode piece = JsonCodec.object().put("type", "input_json_delta").put("partial_json", arguments);
                events.add(delta(block, piece));
            }
        }
        String finish = choice.path("finish_reason").asText(null);
        if (finish != null) {
            finishReason = finish;
        }
        return events;
    }

    /** The stream ended normally: close the open block, then message_delta with the final usage, message_stop. */
    public List<StreamEvent> finish(Usage usage) {
        List<StreamEvent> events = new ArrayList<>(3);
        close(events);
        ObjectNode data = event("message_delta");
        ObjectNode delta = data.putObject("delta");
        delta.put("stop_reason", StopReasons.fromOpenAi(finishReason));
        delta.putNull("stop_sequence");
        data.set("usage", AnthropicUsage.of(usage));
        events.add(new StreamEvent("message_delta", data));
        events.add(new StreamEvent("message_stop", event("message_stop")));
        return events;
    }

    /** The stream broke after it began: Anthropic's error event, which the SDKs raise. */
    public static StreamEvent error(GatewayException failure) {
        return new StreamEvent("error", AnthropicErrors.body(failure));
    }

    private int open(ObjectNode block, boolean text, List<StreamEvent> events) {
        close(events);
        openBlock = nextBlock++;
        openIsText = text;
        ObjectNode data = event("content_block_start");
        data.put("index", openBlock);
        data.set("content_block", block);
        events.add(new StreamEvent("content_block_start", data));
        return openBlock;
    }

    private void close(List<StreamEvent> events) {
        if (openBlock != NONE) {
            ObjectNode data = event("content_block_stop");
            data.put("index", openBlock);
            events.add(new StreamEvent("content_block_stop", data));
            openBlock = NONE;
        }
    }

    private static StreamEvent delta(int index, ObjectNode delta) {
        ObjectNode data = event("content_block_delta");
        data.put("index", index);
        data.set("delta", delta);
        return new StreamEvent("content_block_delta", data);
    }

    private static ObjectNode event(String type) {
        return JsonCodec.object().put("type", type);
    }
}
