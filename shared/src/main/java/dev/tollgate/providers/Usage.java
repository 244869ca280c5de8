package dev.tollgate.providers;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Token counts of one completion, in OpenAI's terms: {@code promptTokens} includes every input token, cached
 * reads ({@code cachedTokens}) and cache writes ({@code cacheWriteTokens}) among them, so providers that count
 * them apart (Anthropic, Bedrock) are normalised here; prices for each kind differ.
 */
public record Usage(long promptTokens, long completionTokens, long cachedTokens, long cacheWriteTokens) {

    public static final Usage NONE = new Usage(0, 0, 0, 0);

    public Usage(long promptTokens, long completionTokens, long cachedTokens) {
        this(promptTokens, completionTokens, cachedTokens, 0);
    }

    public long totalTokens() {
        return promptTokens + completionTokens;
    }

    /** Reads an OpenAI {@code usage} object; null or missing yields {@link #NONE}. */
    public static Usage fromOpenAi(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return NONE;
        }
        return new Usage(
                usage.path("prompt_tokens").asLong(0),
                usage.path("completion_tokens").asLong(0),
                usage.path("prompt_tokens_details").path("cached_tokens").asLong(0));
    }
}
