package dev.tollgate.providers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.JsonCodec;

/** The OpenAI objects every translating adapter writes: the usage object and the chunk envelope. */
public final class OpenAiShapes {

    private OpenAiShapes() {
    }

    /** OpenAI's usage object; cache writes have no OpenAI field and are carried in {@link Usage} only. */
    public static ObjectNode usage(Usage usage) {
        ObjectNode node = JsonCodec.object();
        node.put("prompt_tokens", usage.promptTokens());
        node.put("completion_tokens", usage.completionTokens());
        node.put("total_tokens", usage.totalTokens());
        ObjectNode prompt = node.putObject("prompt_tokens_details");
        prompt.put("cached_tokens", usage.cachedTokens());
        prompt.put("audio_tokens", 0);
        ObjectNode completion = node.putObject("completion_tokens_details");
        completion.put("reasoning_tokens", 0);
        completion.put("audio_tokens", 0);
        completion.put("accepted_prediction_tokens", 0);
        completion.put("rejected_prediction_tokens", 0);
        return node;
    }

    /** A {@code chat.completion.chunk} without choices; the caller adds them (or leaves them empty for usage). */
    public static ObjectNode chunk(String id, long created, String model) {
        ObjectNode chunk = JsonCodec.object();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", created);
        chunk.put("model", model);
        return chunk;
    }
}
