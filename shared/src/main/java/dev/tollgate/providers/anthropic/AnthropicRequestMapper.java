package dev.tollgate.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.Target;
import dev.tollgate.errors.ClientError;
import dev.tollgate.json.JsonCodec;

/**
 * Builds the Anthropic Messages body from an OpenAI Chat Completions request, field by field: nothing is copied
 * blindly, so an OpenAI-only field never reaches Anthropic (which would refuse it) and every refusal is ours, with
 * a message naming the parameter ({@link ParameterPolicy}).
 */
final class AnthropicRequestMapper {

    private AnthropicRequestMapper() {
    }

    static ObjectNode toAnthropic(ObjectNode request, Target target, AnthropicOptions options, boolean stream) {
        String provider = target.provider();
        ParameterPolicy.check(request, provider);
        ObjectNode body = JsonCodec.object();
        body.put("model", target.model());
        body.put("max_tokens", maxTokens(request, options));
        MessageMapper.Mapped mapped = MessageMapper.map(request.get("messages"), provider);
        if (!mapped.system().isEmpty()) {
            body.set("system", mapped.system());
        }
        body.set("messages", mapped.messages());
        copyNumber(request, "temperature", body);
        copyNumber(request, "top_p", body);
        stopSequences(request.get("stop"), body);
        userId(request, body);
        ToolMapper.map(request, body, provider);
        if (stream) {
            body.put("stream", true);
        }
        return body;
    }

    /** max_completion_tokens (OpenAI's current name) wins over max_tokens; the target's default fills in. */
    private static long maxTokens(ObjectNode request, AnthropicOptions options) {
        for (String field : new String[] {"max_completion_tokens", "max_tokens"}) {
            JsonNode value = request.get(field);
            if (value == null || value.isNull()) {
                continue;
            }
            if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 1) {
                throw ClientError.invalidRequest(field, "'" + field + "' must be a whole number >= 1.");
            }
            return value.asLong();
        }
        return options.maxTokens();
    }

    private static void copyNumber(ObjectNode request, String field, ObjectNode body) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isNumber()) {
            throw ClientError.invalidRequest(field, "'" + field + "' must be a number.");
        }
        body.set(field, value);
    }

    private static void stopSequences(JsonNode stop, ObjectNode body) {
        if (stop == null || stop.isNull()) {
            return;
        }
        ArrayNode sequences = JsonCodec.MAPPER.createArrayNode();
        if (stop.isTextual()) {
            sequences.add(stop.asText());
        } else if (stop.isArray()) {
            for (JsonNode sequence : stop) {
                if (!sequence.isTextual()) {
                    throw ClientError.invalidRequest("stop", "'stop' must be a string or an array of strings.");
                }
                sequences.add(sequence.asText());
            }
        } else {
            throw ClientError.invalidRequest("stop", "'stop' must be a string or an array of strings.");
        }
        if (!sequences.isEmpty()) {
            body.set("stop_sequences", sequences);
        }
    }

    /** OpenAI's end-user id ({@code safety_identifier}, formerly {@code user}) is Anthropic's metadata.user_id. */
    private static void userId(ObjectNode request, ObjectNode body) {
        for (String field : new String[] {"safety_identifier", "user"}) {
            JsonNode value = request.get(field);
            if (value != null && value.isTextual() && !value.asText().isBlank()) {
                body.putObject("metadata").put("user_id", value.asText());
                return;
            }
        }
    }
}
