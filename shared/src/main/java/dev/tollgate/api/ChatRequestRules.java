package dev.tollgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.errors.ClientError;

import java.util.Set;

/**
 * The checks every provider would make anyway, made before any provider is called: a bad request gets a clear 400
 * naming the parameter at fault, and never costs a provider call, a reservation or a retry.
 */
final class ChatRequestRules {

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");
    /** Larger than any model's output limit; a bigger number is a mistake, not a request. */
    static final long MAX_OUTPUT_TOKENS = 1_048_576;

    private ChatRequestRules() {
    }

    static void check(ObjectNode body) {
        messages(body.get("messages"));
        optionalBoolean(body, "stream");
        positiveWhole(body, "max_tokens", MAX_OUTPUT_TOKENS);
        positiveWhole(body, "max_completion_tokens", MAX_OUTPUT_TOKENS);
        positiveWhole(body, "n", 128);
        range(body, "temperature", 0, 2);
        range(body, "top_p", 0, 1);
        range(body, "presence_penalty", -2, 2);
        range(body, "frequency_penalty", -2, 2);
        JsonNode options = body.get("stream_options");
        if (options != null && !options.isNull() && !options.isObject()) {
            throw ClientError.invalidRequest("stream_options", "'stream_options' must be an object.");
        }
        tools(body.get("tools"));
        toolChoice(body.get("tool_choice"));
    }

    private static void messages(JsonNode messages) {
        if (messages == null || messages.isNull()) {
            throw ClientError.missingParam("messages");
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw ClientError.invalidRequest("messages", "'messages' must be a non-empty array.");
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String at = "messages[" + i + "]";
            if (!message.isObject() || !message.path("role").isTextual()) {
                throw ClientError.invalidRequest(at, "Each message must be an object with a string 'role'.");
            }
            String role = message.get("role").asText();
            if (!ROLES.contains(role)) {
                throw ClientError.invalidRequest(at + ".role", "Unknown role '" + shorten(role)
                        + "'; expected one of system, developer, user, assistant, tool.");
            }
            JsonNode content = message.get("content");
            if (content != null && !content.isNull() && !content.isTextual() && !content.isArray()) {
                throw ClientError.invalidRequest(at + ".content", "'content' must be a string or an array of parts.");
            }
            if (content != null && content.isArray()) {
                for (int p = 0; p < content.size(); p++) {
                    if (!content.get(p).isObject() || !content.get(p).path("type").isTextual()) {
                        throw ClientError.invalidRequest(at + ".content[" + p + "]",
                                "Each content part must be an object with a string 'type'.");
                    }
                }
            }
        }
    }

    private static void tools(JsonNode tools) {
        if (tools == null || tools.isNull()) {
            return;
        }
        if (!tools.isArray()) {
            throw ClientError.invalidRequest("tools", "'tools' must be an array.");
        }
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String at = "tools[" + i + "]";
            if (!tool.isObject() || !tool.path("type").isTextual()) {
                throw ClientError.invalidRequest(at, "Each tool must be an object with a string 'type'.");
            }
            if ("function".equals(tool.get("type").asText())) {
                JsonNode function = tool.get("function");
                if (function == null || !function.isObject() || !function.path("name").isTextual()
                        || function.get("name").asText().isBlank()) {
                    throw ClientError.invalidRequest(at + ".function", "A function tool needs a 'function' with a 'name'.");
                }
                JsonNode parameters = function.get("parameters");
                if (parameters != null && !parameters.isNull() && !isSchema(parameters)) {
                    throw ClientError.invalidRequest(at + ".function.parameters",
                            "'parameters' must be a JSON Schema object (e.g. {\"type\":\"object\",\"properties\":{...}}).");
                }
            }
        }
    }

    /** A JSON Schema is an object whose 'type' (if any) is a string or list and whose 'properties' (if any) is an object. */
    private static boolean isSchema(JsonNode schema) {
        if (!schema.isObject()) {
            return false;
        }
        JsonNode type = schema.get("type");
        if (type != null && !type.isTextual() && !type.isArray()) {
            return false;
        }
        JsonNode properties = schema.get("properties");
        return properties == null || properties.isObject();
    }

    private static void toolChoice(JsonNode choice) {
        if (choice == null || choice.isNull() || choice.isTextual() && Set.of("none", "auto", "required")
                .contains(choice.asText())) {
            return;
        }
        if (choice.isObject() && choice.path("type").isTextual()) {
            return;
        }
        throw ClientError.invalidRequest("tool_choice",
                "'tool_choice' must be \"none\", \"auto\", \"required\" or an object naming a tool.");
    }

    private static void optionalBoolean(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        if (value != null && !value.isNull() && !value.isBoolean()) {
            throw ClientError.invalidRequest(field, "'" + field + "' must be a boolean.");
        }
    }

    private static void positiveWhole(ObjectNode body, String field, long max) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 1 || value.asLong() > max) {
            throw ClientError.invalidRequest(field, "'" + field + "' must be a whole number from 1 to " + max + ".");
        }
    }

    private static void range(ObjectNode body, String field, double min, double max) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isNumber() || value.asDouble() < min || value.asDouble() > max) {
            throw ClientError.invalidRequest(field, "'" + field + "' must be a number from " + (long) min
                    + " to " + (long) max + ".");
        }
    }

    static String shorten(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
