package dev.tollgate.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.providers.Usage;

/**
 * Anthropic's token counts, normalised to OpenAI's. Anthropic's {@code input_tokens} EXCLUDES cache reads and cache
 * writes, so prompt tokens = input + cache_read + cache_creation; cached = cache_read; cache writes =
 * cache_creation. Mutable for streams, where message_start gives the input side and each message_delta gives
 * cumulative counts that replace the earlier ones.
 */
final class AnthropicUsage {

    private long input;
    private long output;
    private long cacheRead;
    private long cacheCreation;

    /** A whole message's usage object. */
    static Usage of(JsonNode usage) {
        AnthropicUsage counter = new AnthropicUsage();
        counter.update(usage);
        return counter.toUsage();
    }

    /** Takes every count the object carries; absent counts keep their earlier value. */
    void update(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return;
        }
        input = count(usage, "input_tokens", input);
        output = count(usage, "output_tokens", output);
        cacheRead = count(usage, "cache_read_input_tokens", cacheRead);
        cacheCreation = count(usage, "cache_creation_input_tokens", cacheCreation);
    }

    Usage toUsage() {
        return new Usage(input + cacheRead + cacheCreation, output, cacheRead, cacheCreation);
    }

    private static long count(JsonNode usage, String field, long otherwise) {
        JsonNode value = usage.get(field);
        return value != null && value.isNumber() ? value.asLong() : otherwise;
    }
}
