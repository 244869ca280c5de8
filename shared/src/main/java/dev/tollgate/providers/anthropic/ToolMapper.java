package dev.tollgate.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.errors.ClientError;
import dev.tollgate.json.JsonCodec;

/**
 * OpenAI function tools, {@code tool_choice} and {@code parallel_tool_calls} to Anthropic's {@code tools} and
 * {@code tool_choice}: auto -> auto, none -> none, required -> any, a named function -> tool.
 */
final class ToolMapper {

    private ToolMapper() {
    }

    static void map(ObjectNode request, ObjectNode body, String provider) {
        JsonNode tools = request.get("tools");
        boolean hasTools = tools != null && tools.isArray() && !tools.isEmpty();
        if (hasTools) {
            body.set("tools", tools(tools, provider));
        }
        ObjectNode choice = choice(request.get("tool_choice"), provider);
        JsonNode parallel = request.get("parallel_tool_calls");
        if (hasTools && parallel != null && parallel.isBoolean() && !parallel.asBoolean()) {
            if (choice == null) {
                choice = JsonCodec.object().put("type", "auto");
            }
            // Anthropic's "none" choice takes no other field; with no tool calls there is nothing to serialise.
            if (!"none".equals(choice.path("type").asText())) {
                choice.put("disable_parallel_tool_use", true);
            }
        }
        // A choice without tools is meaningless to Anthropic (and rejected); without tools none is the only outcome.
        if (hasTools && choice != null) {
            body.set("tool_choice", choice);
        }
    }

    private static ArrayNode tools(JsonNode tools, String provider) {
        ArrayNode out = JsonCodec.MAPPER.createArrayNode();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String param = "tools[" + i + "]";
            if (!"function".equals(tool.path("type").asText())) {
                throw ParameterPolicy.refuse(provider, param + ".type",
                        "only 'function' tools are translated, not '" + tool.path("type").asText() + "'");
            }
            JsonNode function = tool.get("function");
            if (function == null || !function.path("name").isTextual()) {
                throw ClientError.invalidRequest(param + ".function.name", "Each function tool needs a name.");
            }
            ObjectNode mapped = out.addObject();
            mapped.put("name", function.get("name").asText());
            JsonNode description = function.get("description");
            if (description != null && description.isTextual()) {
                mapped.put("description", description.asText());
            }
            JsonNode parameters = function.get("parameters");
            if (parameters != null && parameters.isObject()) {
                mapped.set("input_schema", parameters);
            } else {
                // OpenAI allows a function without parameters; Anthropic requires an object schema.
                ObjectNode schema = mapped.putObject("input_schema");
                schema.put("type", "object");
                schema.putObject("properties");
            }
        }
        return out;
    }

    private static ObjectNode choice(JsonNode choice, String provider) {
        if (choice == null || choice.isNull()) {
            return null;
        }
        if (choice.isTextual()) {
            return switch (choice.asText()) {
                case "auto" -> JsonCodec.object().put("type", "auto");
                case "none" -> JsonCodec.object().put("type", "none");
                case "required" -> JsonCodec.object().put("type", "any");
                default -> throw ClientError.invalidRequest("tool_choice",
                        "tool_choice must be 'auto', 'none', 'required' or a named function.");
            };
        }
        if ("function".equals(choice.path("type").asText()) && choice.path("function").path("name").isTextual()) {
            return JsonCodec.object().put("type", "tool").put("name", choice.path("function").path("name").asText());
        }
        throw ParameterPolicy.refuse(provider, "tool_choice",
                "only 'auto', 'none', 'required' and a named function are translated");
    }
}
