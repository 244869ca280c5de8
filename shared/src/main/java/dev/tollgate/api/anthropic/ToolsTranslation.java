package dev.tollgate.api.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.JsonCodec;

import static dev.tollgate.api.anthropic.RequestFields.invalid;
import static dev.tollgate.api.anthropic.RequestFields.optional;
import static dev.tollgate.api.anthropic.RequestFields.required;
import static dev.tollgate.api.anthropic.RequestFields.requiredString;
import static dev.tollgate.api.anthropic.RequestFields.unsupported;

/**
 * Anthropic client tools and tool_choice to OpenAI functions. Anthropic's server tools (web search, code
 * execution, ...) run inside Anthropic's API and have no OpenAI counterpart, so they are refused.
 */
final class ToolsTranslation {

    private ToolsTranslation() {
    }

    static void translate(JsonNode tools, JsonNode toolChoice, ObjectNode out) {
        if (tools != null) {
            if (!tools.isArray()) {
                throw invalid("tools", "Input should be a list of tools");
            }
            if (!tools.isEmpty()) {
                ArrayNode functions = out.putArray("tools");
                for (int i = 0; i < tools.size(); i++) {
                    functions.add(function(tools.get(i), "tools." + i));
                }
            }
        }
        if (toolChoice != null) {
            // Checked either way, but sent only with tools: OpenAI refuses tool_choice without them.
            choice(toolChoice, out.has("tools") ? out : JsonCodec.object());
        }
    }

    private static ObjectNode function(JsonNode tool, String path) {
        if (!tool.isObject()) {
            throw invalid(path, "Input should be an object");
        }
        JsonNode type = optional(tool, "type");
        if (type != null && !"custom".equals(type.asText())) {
            throw unsupported(path + ".type", "Server tool '" + type.asText() + "'");
        }
        String name = requiredString(tool, "name", path + ".name");
        JsonNode schema = required(tool, "input_schema", path + ".input_schema");
        if (!schema.isObject()) {
            throw invalid(path + ".input_schema", "Input should be an object");
        }
        ObjectNode wrapper = JsonCodec.object();
        wrapper.put("type", "function");
        ObjectNode function = wrapper.putObject("function");
        function.put("name", name);
        JsonNode description = optional(tool, "description");
        if (description != null) {
            if (!description.isTextual()) {
                throw invalid(path + ".description", "Input should be a valid string");
            }
            function.put("description", description.asText());
        }
        function.set("parameters", schema);
        return wrapper;
    }

    /** auto, any (OpenAI: required), none, or one named tool; disable_parallel_tool_use turns parallel calls off. */
    private static void choice(JsonNode choice, ObjectNode out) {
        if (!choice.isObject()) {
            throw invalid("tool_choice", "Input should be an object");
        }
        String type = requiredString(choice, "type", "tool_choice.type");
        switch (type) {
            case "auto" -> out.put("tool_choice", "auto");
            case "any" -> out.put("tool_choice", "required");
            case "none" -> out.put("tool_choice", "none");
            case "tool" -> {
                ObjectNode named = out.putObject("tool_choice");
                named.put("type", "function");
                named.putObject("function").put("name", requiredString(choice, "name", "tool_choice.name"));
            }
            default -> throw invalid("tool_choice.type", "Input should be 'auto', 'any', 'tool' or 'none'");
        }
        JsonNode disableParallel = optional(choice, "disable_parallel_tool_use");
        if (disableParallel != null && !disableParallel.isBoolean()) {
            throw invalid("tool_choice.disable_parallel_tool_use", "Input should be a valid boolean");
        }
        if (disableParallel != null && disableParallel.asBoolean() && !"none".equals(type)) {
            out.put("parallel_tool_calls", false);
        }
    }
}
