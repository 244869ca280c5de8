package dev.tollgate.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.Usage;

/**
 * Gemini's {@code usageMetadata} in OpenAI's terms. {@code promptTokenCount} already includes
 * {@code cachedContentTokenCount}, as OpenAI's prompt_tokens includes cached_tokens; tokens spent on built-in tool
 * prompts ({@code toolUsePromptTokenCount}) are billed as input too. Thinking tokens are billed as output, so
 * completion_tokens = candidates + thoughts, the thoughts also reported as reasoning_tokens.
 */
final class GeminiUsage {

    private GeminiUsage() {
    }

    static Usage from(JsonNode metadata) {
        if (metadata == null || !metadata.isObject()) {
            return Usage.NONE;
        }
        return new Usage(promptTokens(metadata), completionTokens(metadata), cachedTokens(metadata));
    }

    static ObjectNode openAiNode(JsonNode metadata) {
        Usage usage = from(metadata);
        ObjectNode node = JsonCodec.object();
        node.put("prompt_tokens", usage.promptTokens());
        node.put("completion_tokens", usage.completionTokens());
        node.put("total_tokens", usage.totalTokens());
        ObjectNode prompt = node.putObject("prompt_tokens_details");
        prompt.put("cached_tokens", usage.cachedTokens());
        prompt.put("audio_tokens", 0);
        ObjectNode completion = node.putObject("completion_tokens_details");
        completion.put("reasoning_tokens", metadata == null ? 0 : metadata.path("thoughtsTokenCount").asLong(0));
        completion.put("audio_tokens", 0);
        completion.put("accepted_prediction_tokens", 0);
        completion.put("rejected_prediction_tokens", 0);
        return node;
    }

    private static long promptTokens(JsonNode metadata) {
        return metadata.path("promptTokenCount").asLong(0) + metadata.path("toolUsePromptTokenCount").asLong(0);
    }

    private static long completionTokens(JsonNode metadata) {
        return metadata.path("candidatesTokenCount").asLong(0) + metadata.path("thoughtsTokenCount").asLong(0);
    }

    private static long cachedTokens(JsonNode metadata) {
        return metadata.path("cachedContentTokenCount").asLong(0);
    }
}
