package dev.tollgate.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What routing may look at in a request: the name the client asked for, headers, the caller's team and tier, the
 * request's metadata and user, and size estimates for context-window and cost decisions.
 */
public record RequestFacts(String requestedModel, Function<String, String> headers, String team, String tier,
                           Map<String, String> metadata, String user, long estimatedPromptTokens,
                           long maxOutputTokens) {

    /** Output tokens assumed when the request sets no limit, for cost ordering and context fit. */
    public static final long DEFAULT_MAX_OUTPUT = 1024;

    public String header(String name) {
        return headers.apply(name);
    }

    public static RequestFacts of(ObjectNode request, Function<String, String> headers, String team, String tier) {
        Map<String, String> metadata = new HashMap<>();
        JsonNode meta = request.get("metadata");
        if (meta != null && meta.isObject()) {
            meta.properties().forEach(e -> {
                if (e.getValue().isValueNode()) {
                    metadata.put(e.getKey(), e.getValue().asText());
                }
            });
        }
        JsonNode user = request.get("user");
        return new RequestFacts(request.path("model").asText(), headers, team, tier, Map.copyOf(metadata),
                user == null || user.isNull() ? null : user.asText(),
                TokenEstimate.prompt(request), TokenEstimate.maxOutput(request));
    }
}
