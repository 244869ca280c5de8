package dev.tollgate.api.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.errors.ClientError;

/** Field checks for the Anthropic request; errors name the field as the Anthropic API does: messages.0.content. */
final class RequestFields {

    private RequestFields() {
    }

    static ClientError invalid(String path, String message) {
        return ClientError.invalidRequest(path, path + ": " + message);
    }

    static ClientError unsupported(String path, String what) {
        return invalid(path, what + " is not supported by this gateway.");
    }

    /** The field, or null when it is absent or JSON null. */
    static JsonNode optional(JsonNode parent, String field) {
        JsonNode value = parent.get(field);
        return value == null || value.isNull() ? null : value;
    }

    static JsonNode required(JsonNode parent, String field, String path) {
        JsonNode value = optional(parent, field);
        if (value == null) {
            throw invalid(path, "Field required");
        }
        return value;
    }

    static String requiredString(JsonNode parent, String field, String path) {
        JsonNode value = required(parent, field, path);
        if (!value.isTextual()) {
            throw invalid(path, "Input should be a valid string");
        }
        return value.asText();
    }

    static JsonNode requiredObject(JsonNode parent, String field, String path) {
        JsonNode value = required(parent, field, path);
        if (!value.isObject()) {
            throw invalid(path, "Input should be an object");
        }
        return value;
    }

    /** The block's "type", required on every content block. */
    static String blockType(JsonNode block, String path) {
        if (!block.isObject()) {
            throw invalid(path, "Input should be an object");
        }
        return requiredString(block, "type", path + ".type");
    }
}
