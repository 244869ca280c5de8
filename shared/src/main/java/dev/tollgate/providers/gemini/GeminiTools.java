package dev.tollgate.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.errors.ClientError;
import dev.tollgate.json.JsonCodec;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * OpenAI {@code tools} and {@code tool_choice} to Gemini {@code tools[].functionDeclarations} and
 * {@code toolConfig.functionCallingConfig}: auto to AUTO, none to NONE, required to ANY, a named function to ANY
 * limited to that name. Parameter schemas go in {@code parametersJsonSchema}, which accepts JSON Schema as OpenAI
 * clients write it (additionalProperties, $ref...), where {@code parameters} takes only an OpenAPI subset.
 */
final class GeminiTools {

    private GeminiTools() {
    }

    static void map(ObjectNode request, ObjectNode body) {
        JsonNode tools = GeminiRequestMapper.present(request, "tools");
        JsonNode choice = GeminiRequestMapper.present(request, "tool_choice");
        if (tools == null || tools.isEmpty()) {
            if (choice != null && ("required".equals(choice.asText()) || choice.isObject())) {
                throw ClientError.invalidRequest("tool_choice", "'tool_choice' requires 'tools'.");
            }
            return;
        }
        Set<String> allowed = null;
        String mode = "AUTO";
        if (choice != null) {
            if (choice.isTextual()) {
                mode = switch (choice.asText()) {
                    case "auto" -> "AUTO";
                    case "none" -> "NONE";
                    case "required" -> "ANY";
                    default -> throw ClientError.invalidRequest("tool_choice",
                            "'tool_choice' must be none, auto, required or a tool choice object.");
                };
            } else {
                switch (choice.path("type").asText()) {
                    case "function" -> {
                        mode = "ANY";
                        allowed = Set.of(requiredName(choice.path("function"), "tool_choice.function.name"));
                    }
                    case "allowed_tools" -> {
                        JsonNode allowedTools = choice.path("allowed_tools");
                        mode = "required".equals(allowedTools.path("mode").asText()) ? "ANY" : "AUTO";
                        allowed = new LinkedHashSet<>();
                        JsonNode list = allowedTools.path("tools");
                        for (int i = 0; i < list.size(); i++) {
                            allowed.add(requiredName(list.get(i).path("function"),
                                    "tool_choice.allowed_tools.tools[" + i + "].function.name"));
                        }
                    }
                    default -> throw GeminiRequestMapper.unsupported("tool_choice",
                            "tool choice of type '" + choice.path("type").asText() + "' is not supported for Gemini.");
                }
            }
        }
        ArrayNode declarations = JsonCodec.MAPPER.createArrayNode();
        for (int i = 0; i < tools.size(); i++) {
            ObjectNode declaration = declaration(tools.get(i), "tools[" + i + "]");
            // Gemini limits allowedFunctionNames to mode ANY, so under AUTO the other tools are left out instead.
            if (allowed == null || !"AUTO".equals(mode) || allowed.contains(declaration.get("name").asText())) {
                declarations.add(declaration);
            }
        }
        body.putArray("tools").addObject().set("functionDeclarations", declarations);
        ObjectNode config = body.putObject("toolConfig").putObject("functionCallingConfig");
        config.put("mode", mode);
        if (allowed != null && "ANY".equals(mode)) {
            ArrayNode names = config.putArray("allowedFunctionNames");
            allowed.forEach(names::add);
        }
    }

    private static ObjectNode declaration(JsonNode tool, String path) {
        String type = tool.path("type").asText();
        if (!"function".equals(type)) {
            throw GeminiRequestMapper.unsupported(path + ".type", "tools of type '" + type + "' are not supported for Gemini.");
        }
        JsonNode function = tool.path("function");
        ObjectNode declaration = JsonCodec.object();
        declaration.put("name", requiredName(function, path + ".function.name"));
        JsonNode description = GeminiRequestMapper.present(function, "description");
        if (description != null) {
            declaration.put("description", description.asText());
        }
        JsonNode parameters = GeminiRequestMapper.present(function, "parameters");
        if (parameters != null) {
            declaration.set("parametersJsonSchema", parameters.deepCopy());
        }
        return declaration;
    }

    private static String requiredName(JsonNode function, String path) {
        String name = function.path("name").asText("");
        if (name.isEmpty()) {
            throw ClientError.invalidRequest(path, "A function name is required.");
        }
        return name;
    }
}
