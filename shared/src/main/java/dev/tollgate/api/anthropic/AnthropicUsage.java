package dev.tollgate.api.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.Usage;

/**
 * Gateway usage in Anthropic's terms. OpenAI's prompt tokens include cached reads and cache writes; Anthropic
 * counts the three apart, so input_tokens is what remains after both are taken out.
 */
final class AnthropicUsage {

    private AnthropicUsage() {
    }

    static ObjectNode of(Usage usage) {
        ObjectNode node = JsonCodec.object();
        long uncached = usage.promptTokens() - usage.cachedTokens() - usage.cacheWriteTokens();
        node.put("input_tokens", Math.max(0, uncached));
        node.put("cache_creation_input_tokens", usage.cacheWriteTokens());
        node.put("cache_read_input_tokens", usage.cachedTokens());
        node.put("output_tokens", usage.completionTokens());
        return node;
    }
}
