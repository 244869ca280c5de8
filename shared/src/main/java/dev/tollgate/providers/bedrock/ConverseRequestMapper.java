package dev.tollgate.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.errors.ClientError;
import dev.tollgate.json.JsonCodec;
import software.amazon.awssdk.services.bedrockruntime.model.AnyToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.AutoToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.InferenceConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.SpecificToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.Tool;
import software.amazon.awssdk.services.bedrockruntime.model.ToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.ToolConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.ToolInputSchema;
import software.amazon.awssdk.services.bedrockruntime.model.ToolSpecification;

import java.util.ArrayList;
import java.util.List;

/**
 * An OpenAI Chat Completions body to a Converse request. Parameters Converse has no equivalent for are either
 * dropped (hints whose absence changes no contract: user, seed, penalties...) or refused with a 400 (those a client
 * relies on: n > 1, logprobs, a JSON response format), as listed in docs/providers-bedrock.md.
 */
final class ConverseRequestMapper {

    /** What both Converse and ConverseStream take; {@code inference} and {@code tools} may be null. */
    record ConverseInput(String modelId, ConverseMessages.Conversation conversation, InferenceConfiguration inference,
                         ToolConfiguration tools) {

        ConverseRequest converse() {
            return ConverseRequest.builder().modelId(modelId)
                    .messages(conversation.messages())
                    .system(conversation.system().isEmpty() ? null : conversation.system())
                    .inferenceConfig(inference).toolConfig(tools).build();
        }

        ConverseStreamRequest converseStream() {
            return ConverseStreamRequest.builder().modelId(modelId)
                    .messages(conversation.messages())
                    .system(conversation.system().isEmpty() ? null : conversation.system())
                    .inferenceConfig(inference).toolConfig(tools).build();
        }
    }

    private ConverseRequestMapper() {
    }

    static ConverseInput map(ObjectNode request, String modelId) {
        refuseUnsupported(request);
        ConverseMessages.Conversation conversation = ConverseMessages.map(request.get("messages"));
        if (conversation.messages().isEmpty()) {
            throw ClientError.invalidRequest("messages",
                    "Bedrock targets need at least one user or assistant message with content.");
        }
        return new ConverseInput(modelId, conversation, inference(request),
                tools(request, conversation.hasToolBlocks()));
    }

    private static void refuseUnsupported(ObjectNode request) {
        JsonNode n = request.get("n");
        if (n != null && !n.isNull() && n.asInt(1) != 1) {
            throw ClientError.invalidRequest("n", "Bedrock targets return one choice; 'n' must be 1.");
        }
        if (request.path("logprobs").asBoolean(false) || hasValue(request, "top_logprobs")) {
            throw ClientError.invalidRequest("logprobs", "Bedrock targets do not return log probabilities.");
        }
        String format = request.path("response_format").path("type").asText("text");
        if (!"text".equals(format)) {
            throw ClientError.invalidRequest("response_format",
                    "Bedrock targets do not support response_format '" + format + "'; describe the JSON in the "
                            + "prompt or use a tool with a schema.");
        }
        if (hasValue(request, "audio") || request.path("modalities").toString().contains("audio")) {
            throw ClientError.invalidRequest("modalities", "Bedrock targets do not produce audio.");
        }
    }

    private static InferenceConfiguration inference(ObjectNode request) {
        InferenceConfiguration.Builder builder = InferenceConfiguration.builder();
        boolean any = false;
        JsonNode maxTokens = hasValue(request, "max_completion_tokens") ? request.get("max_completion_tokens")
                : request.get("max_tokens");
        if (maxTokens != null && !maxTokens.isNull()) {
            if (!maxTokens.canConvertToInt() || maxTokens.asInt() < 1) {
                throw ClientError.invalidRequest("max_tokens", "'max_tokens' must be a positive integer.");
            }
            builder.maxTokens(maxTokens.asInt());
            any = true;
        }
        if (hasValue(request, "temperature")) {
            builder.temperature(request.get("temperature").floatValue());
            any = true;
        }
        if (hasValue(request, "top_p")) {
            builder.topP(request.get("top_p").floatValue());
            any = true;
        }
        JsonNode stop = request.get("stop");
        if (stop != null && !stop.isNull()) {
            List<String> sequences = new ArrayList<>();
            if (stop.isTextual()) {
                sequences.add(stop.asText());
            } else if (stop.isArray()) {
                stop.forEach(s -> sequences.add(s.asText()));
            } else {
                throw ClientError.invalidRequest("stop", "'stop' must be a string or an array of strings.");
            }
            if (!sequences.isEmpty()) {
                builder.stopSequences(sequences);
                any = true;
            }
        }
        return any ? builder.build() : null;
    }

    private static ToolConfiguration tools(ObjectNode request, boolean historyHasToolBlocks) {
        JsonNode tools = request.get("tools");
        if (tools == null || !tools.isArray() || tools.isEmpty()) {
            return null;
        }
        JsonNode choice = request.get("tool_choice");
        boolean none = choice != null && "none".equals(choice.asText());
        // Converse has no "none": the tools are left out, unless the history holds tool calls, which Converse only
        // accepts alongside a toolConfig; then the tools go with the model's own choice.
        if (none && !historyHasToolBlocks) {
            return null;
        }
        List<Tool> specs = new ArrayList<>();
        for (int i = 0; i < tools.size(); i++) {
            specs.add(tool(tools.get(i), "tools[" + i + "]"));
        }
        ToolConfiguration.Builder config = ToolConfiguration.builder().tools(specs);
        if (!none && choice != null && !choice.isNull()) {
            config.toolChoice(toolChoice(choice));
        }
        return config.build();
    }

    private static Tool tool(JsonNode tool, String path) {
        String type = tool.path("type").asText("");
        if (!"function".equals(type)) {
            throw ClientError.invalidRequest(path + ".type",
                    "Bedrock targets support tools of type 'function' only, not '" + type + "'.");
        }
        JsonNode function = tool.path("function");
        String name = function.path("name").asText("");
        if (name.isEmpty()) {
            throw ClientError.missingParam(path + ".function.name");
        }
        JsonNode parameters = function.get("parameters");
        if (parameters == null || parameters.isNull()) {
            ObjectNode empty = JsonCodec.object();
            empty.put("type", "object");
            empty.putObject("properties");
            parameters = empty;
        }
        ToolSpecification.Builder spec = ToolSpecification.builder().name(name)
                .inputSchema(ToolInputSchema.fromJson(Documents.fromJson(parameters)));
        String description = function.path("description").asText("");
        if (!description.isBlank()) {
            spec.description(description);
        }
        return Tool.fromToolSpec(spec.build());
    }

    private static ToolChoice toolChoice(JsonNode choice) {
        if (choice.isTextual()) {
            return switch (choice.asText()) {
                case "auto" -> ToolChoice.fromAuto(AutoToolChoice.builder().build());
                case "required" -> ToolChoice.fromAny(AnyToolChoice.builder().build());
                default -> throw ClientError.invalidRequest("tool_choice",
                        "'tool_choice' must be none, auto, required or a named function.");
            };
        }
        String name = choice.path("function").path("name").asText("");
        if (!"function".equals(choice.path("type").asText("")) || name.isEmpty()) {
            throw ClientError.invalidRequest("tool_choice",
                    "Bedrock targets accept tool_choice none, auto, required or {type: function, function: {name}}.");
        }
        return ToolChoice.fromTool(SpecificToolChoice.builder().name(name).build());
    }

    private static boolean hasValue(JsonNode request, String field) {
        JsonNode value = request.get(field);
        return value != null && !value.isNull();
    }
}
