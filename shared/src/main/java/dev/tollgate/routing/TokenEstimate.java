package dev.tollgate.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Rough token counts before sending: about four characters of JSON per token for text. Used to skip targets whose
 * context window cannot fit a request and to order targets by cost; never for billing.
 */
public final class TokenEstimate {

    private TokenEstimate() {
    }

    public static long prompt(ObjectNode request) {
        long chars = 0;
        JsonNode messages = request.get("messages");
        if (messages != null) {
            chars += messages.toString().length();
        }
        JsonNode tools = request.get("tools");
        if (tools != null) {
            chars += tools.toString().length();
        }
        return Math.max(1, (chars + 3) / 4);
    }

    public static long maxOutput(ObjectNode request) {
        for (String field : new String[] {"max_completion_tokens", "max_tokens"}) {
            JsonNode value = request.get(field);
            if (value != null && value.canConvertToLong() && value.asLong() > 0) {
                return value.asLong();
            }
        }
        return RequestFacts.DEFAULT_MAX_OUTPUT;
    }
}
