package dev.tollgate.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A target's {@code anthropic} options. Anthropic requires {@code max_tokens} on every request, so a target names
 * the value used when the client sent neither {@code max_tokens} nor {@code max_completion_tokens}.
 */
public record AnthropicOptions(long maxTokens, String version) {

    public static final long DEFAULT_MAX_TOKENS = 4096;
    public static final String DEFAULT_VERSION = "2023-06-01";
    static final Set<String> FIELDS = Set.of("max_tokens", "anthropic_version");

    /** The options of a target whose options were validated by {@link #problems}. */
    public static AnthropicOptions of(ObjectNode options) {
        JsonNode maxTokens = options == null ? null : options.get("max_tokens");
        JsonNode version = options == null ? null : options.get("anthropic_version");
        return new AnthropicOptions(maxTokens == null ? DEFAULT_MAX_TOKENS : maxTokens.asLong(),
                version == null ? DEFAULT_VERSION : version.asText());
    }

    /** Problems with a target's options, each prefixed with {@code path} (the config loader's contract). */
    public static List<String> problems(ObjectNode options, String path) {
        List<String> problems = new ArrayList<>();
        for (Iterator<String> it = options.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                problems.add(path + "." + field + ": unknown anthropic option (known: anthropic_version, max_tokens)");
            }
        }
        JsonNode maxTokens = options.get("max_tokens");
        if (maxTokens != null && (!maxTokens.isIntegralNumber() || !maxTokens.canConvertToLong()
                || maxTokens.asLong() < 1)) {
            problems.add(path + ".max_tokens: expected a whole number >= 1");
        }
        JsonNode version = options.get("anthropic_version");
        if (version != null && (!version.isTextual() || !version.asText().matches("\\d{4}-\\d{2}-\\d{2}"))) {
            problems.add(path + ".anthropic_version: expected a version date such as '" + DEFAULT_VERSION + "'");
        }
        return problems;
    }
}
