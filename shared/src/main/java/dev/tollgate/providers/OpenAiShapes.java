package dev.tollgate.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.JsonCodec;

/**
 * The OpenAI objects every translating adapter writes: the usage object, the chunk and completion envelopes, the
 * streaming choice and the whole answer's choice and assistant message. One place, so the adapters' bytes cannot
 * drift apart (field order included: clients and tests read them as OpenAI writes them).
 */
public final class OpenAiShapes {

    private OpenAiShapes() {
    }

    /** OpenAI's usage object; cache writes have no OpenAI field and are carried in {@link Usage} only. */
    public static ObjectNode usage(Usage usage) {
        return usage(usage, 0);
    }

    /** The usage object with the reasoning tokens a provider counts apart (they are in completion_tokens too). */
    public static ObjectNode usage(Usage usage, long reasoningTokens) {
        ObjectNode node = JsonCodec.object();
        node.put("prompt_tokens", usage.promptTokens());
        node.put("completion_tokens", usage.completionTokens());
        node.put("total_tokens", usage.totalTokens());
        ObjectNode prompt = node.putObject("prompt_tokens_details");
        prompt.put("cached_tokens", usage.cachedTokens());
        prompt.put("audio_tokens", 0);
        ObjectNode completion = node.putObject("completion_tokens_details");
        completion.put("reasoning_tokens", reasoningTokens);
        completion.put("audio_tokens", 0);
        completion.put("accepted_prediction_tokens", 0);
        completion.put("rejected_prediction_tokens", 0);
        return node;
    }

    /** A {@code chat.completion.chunk} without choices; the caller adds them (or leaves them empty for usage). */
    public static ObjectNode chunk(String id, long created, String model) {
        return envelope(id, "chat.completion.chunk", created, model);
    }

    /** The last chunk when the client asked for usage: no choices, the usage object. */
    public static ObjectNode usageChunk(String id, long created, String model, ObjectNode usage) {
        ObjectNode chunk = chunk(id, created, model);
        chunk.putArray("choices");
        chunk.set("usage", usage);
        return chunk;
    }

    /** A {@code chat.completion} without choices; the caller adds them with {@link #messageChoice}. */
    public static ObjectNode completion(String id, long created, String model) {
        return envelope(id, "chat.completion", created, model);
    }

    private static ObjectNode envelope(String id, String object, long created, String model) {
        ObjectNode node = JsonCodec.object();
        node.put("id", id);
        node.put("object", object);
        node.put("created", created);
        node.put("model", model);
        return node;
    }

    /**
     * Adds the chunk's one choice: index 0, the delta, no logprobs and the finish_reason, which is null on every
     * chunk but the one that ends the answer.
     *
     * @return {@code chunk}, for chaining
     */
    public static ObjectNode deltaChoice(ObjectNode chunk, ObjectNode delta, String finishReason) {
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason); // null is written as JSON null
        return chunk;
    }

    /** Adds one choice of a whole answer to {@code choices}: its index, the message, no logprobs, why it ended. */
    public static ObjectNode messageChoice(ArrayNode choices, int index, ObjectNode message, String finishReason) {
        ObjectNode choice = choices.addObject();
        choice.put("index", index);
        choice.set("message", message);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        return choice;
    }

    /**
     * The assistant message of a whole answer: role, content ({@code null} writes JSON null, as OpenAI does when the
     * answer is only tool calls), no refusal, the tool calls when there are any, and empty annotations.
     */
    public static ObjectNode assistantMessage(String content, Iterable<? extends JsonNode> toolCalls) {
        ObjectNode message = JsonCodec.object();
        message.put("role", "assistant");
        message.put("content", content);
        message.putNull("refusal");
        if (toolCalls.iterator().hasNext()) {
            ArrayNode calls = message.putArray("tool_calls");
            toolCalls.forEach(calls::add);
        }
        message.putArray("annotations");
        return message;
    }
}
