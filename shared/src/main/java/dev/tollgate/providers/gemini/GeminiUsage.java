package dev.tollgate.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.providers.OpenAiShapes;
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
        return OpenAiShapes.usage(from(metadata),
                metadata == null ? 0 : metadata.path("thoughtsTokenCount").asLong(0));
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
