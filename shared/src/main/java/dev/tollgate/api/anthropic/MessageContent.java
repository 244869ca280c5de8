package dev.tollgate.api.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.JsonCodec;

import java.util.ArrayList;
import java.util.List;

import static dev.tollgate.api.anthropic.RequestFields.blockType;
import static dev.tollgate.api.anthropic.RequestFields.invalid;
import static dev.tollgate.api.anthropic.RequestFields.optional;
import static dev.tollgate.api.anthropic.RequestFields.required;
import static dev.tollgate.api.anthropic.RequestFields.requiredObject;
import static dev.tollgate.api.anthropic.RequestFields.requiredString;
import static dev.tollgate.api.anthropic.RequestFields.unsupported;

/**
 * Anthropic conversation turns to OpenAI chat messages. Content blocks map one to one where OpenAI has a place
 * for them: text and images to content parts, tool_use to tool_calls, tool_result to "tool" messages. Thinking
 * blocks replayed from earlier turns are dropped (OpenAI has no slot for them); cache_control is ignored. Block
 * types with no OpenAI equivalent (documents, server tools) are refused with a 400 naming the block.
 */
final class MessageContent {

    /** Several text blocks in one system prompt or assistant turn become one string, a line apart. */
    static final String TEXT_JOINER = "\n";

    private MessageContent() {
    }

    static void translate(JsonNode messages, ArrayNode out) {
        for (int i = 0; i < messages.size(); i++) {
            String path = "messages." + i;
            JsonNode message = messages.get(i);
            if (!message.isObject()) {
                throw invalid(path, "Input should be an object");
            }
            String role = requiredString(message, "role", path + ".role");
            JsonNode content = required(message, "content", path + ".content");
            if (!content.isTextual() && !content.isArray()) {
                throw invalid(path + ".content", "Input should be a string or a list of content blocks");
            }
            switch (role) {
                case "user" -> user(content, path + ".content", out);
                case "assistant" -> assistant(content, path + ".content", out);
                case "system" -> out.addObject().put("role", "system")
                        .put("content", systemText(content, path + ".content"));
                default -> throw invalid(path + ".role", "Input should be 'user', 'assistant' or 'system'");
            }
        }
    }

    /** A system prompt, a string or text blocks (cache_control ignored), as one string. */
    static String systemText(JsonNode system, String path) {
        if (system.isTextual()) {
            return system.asText();
        }
        if (!system.isArray()) {
            throw invalid(path, "Input should be a string or a list of text blocks");
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < system.size(); i++) {
            String blockPath = path + "." + i;
            String type = blockType(system.get(i), blockPath);
            if (!"text".equals(type)) {
                throw unsupported(blockPath, "System block type '" + type + "'");
            }
            texts.add(requiredString(system.get(i), "text", blockPath + ".text"));
        }
        return String.join(TEXT_JOINER, texts);
    }

    private static void user(JsonNode content, String path, ArrayNode out) {
        if (content.isTextual()) {
            out.addObject().put("role", "user").put("content", content.asText());
            return;
        }
        ArrayNode parts = JsonCodec.MAPPER.createArrayNode();
        for (int j = 0; j < content.size(); j++) {
            JsonNode block = content.get(j);
            String blockPath = path + "." + j;
            switch (blockType(block, blockPath)) {
                case "text" -> parts.add(textPart(requiredString(block, "text", blockPath + ".text")));
                case "image" -> parts.add(imagePart(block, blockPath));
                // OpenAI wants each tool result right after the assistant turn that called it, as its own message.
                case "tool_result" -> out.add(toolResult(block, blockPath, parts));
                default -> throw unsupported(blockPath, "Content block type '" + block.get("type").asText() + "'");
            }
        }
        if (!parts.isEmpty()) {
            ObjectNode message = out.addObject().put("role", "user");
            if (parts.size() == 1 && "text".equals(parts.get(0).get("type").asText())) {
                message.put("content", parts.get(0).get("text").asText());
            } else {
                message.set("content", parts);
            }
        }
    }

    private static void assistant(JsonNode content, String path, ArrayNode out) {
        if (content.isTextual()) {
            out.addObject().put("role", "assistant").put("content", content.asText());
            return;
        }
        List<String> texts = new ArrayList<>();
        ArrayNode toolCalls = JsonCodec.MAPPER.createArrayNode();
        for (int j = 0; j < content.size(); j++) {
            JsonNode block = content.get(j);
            String blockPath = path + "." + j;
            switch (blockType(block, blockPath)) {
                case "text" -> texts.add(requiredString(block, "text", blockPath + ".text"));
                case "tool_use" -> toolCalls.add(toolCall(block, blockPath));
                case "thinking", "redacted_thinking" -> {
                    // The model's own reasoning from an earlier turn: no OpenAI equivalent, and not needed to go on.
                }
                default -> throw unsupported(blockPath, "Content block type '" + block.get("type").asText() + "'");
            }
        }
        ObjectNode message = out.addObject().put("role", "assistant");
        if (!texts.isEmpty()) {
            message.put("content", String.join(TEXT_JOINER, texts));
        } else if (toolCalls.isEmpty()) {
            message.put("content", "");
        } else {
            message.putNull("content");
        }
        if (!toolCalls.isEmpty()) {
            message.set("tool_calls", toolCalls);
        }
    }

    private static ObjectNode toolCall(JsonNode block, String path) {
        String id = requiredString(block, "id", path + ".id");
        String name = requiredString(block, "name", path + ".name");
        JsonNode input = optional(block, "input");
        if (input != null && !input.isObject()) {
            throw invalid(path + ".input", "Input should be an object");
        }
        ObjectNode call = JsonCodec.object();
        call.put("id", id);
        call.put("type", "function");
        ObjectNode function = call.putObject("function");
        function.put("name", name);
        function.put("arguments", input == null ? "{}" : input.toString());
        return call;
    }

    /**
     * A tool_result as an OpenAI "tool" message. OpenAI tool messages carry text only, so images in a result
     * go to the user message that follows ({@code userParts}). is_error has no OpenAI equivalent: the content,
     * which says what failed, goes as is.
     */
    private static ObjectNode toolResult(JsonNode block, String path, ArrayNode userParts) {
        String toolUseId = requiredString(block, "tool_use_id", path + ".tool_use_id");
        JsonNode content = optional(block, "content");
        String text;
        if (content == null) {
            text = "";
        } else if (content.isTextual()) {
            text = content.asText();
        } else if (content.isArray()) {
            List<String> texts = new ArrayList<>();
            for (int k = 0; k < content.size(); k++) {
                JsonNode part = content.get(k);
                String partPath = path + ".content." + k;
                switch (blockType(part, partPath)) {
                    case "text" -> texts.add(requiredString(part, "text", partPath + ".text"));
                    case "image" -> userParts.add(imagePart(part, partPath));
                    default -> throw unsupported(partPath, "Content block type '" + part.get("type").asText() + "'");
                }
            }
            text = String.join(TEXT_JOINER, texts);
        } else {
            throw invalid(path + ".content", "Input should be a string or a list of content blocks");
        }
        ObjectNode message = JsonCodec.object();
        message.put("role", "tool");
        message.put("tool_call_id", toolUseId);
        message.put("content", text);
        return message;
    }

    private static ObjectNode textPart(String text) {
        ObjectNode part = JsonCodec.object();
        part.put("type", "text");
        part.put("text", text);
        return part;
    }

    /** An image by base64 data (as a data: URL) or by URL; OpenAI's image_url part takes both. */
    private static ObjectNode imagePart(JsonNode block, String path) {
        JsonNode source = requiredObject(block, "source", path + ".source");
        String sourcePath = path + ".source";
        String url = switch (requiredString(source, "type", sourcePath + ".type")) {
            case "base64" -> "data:" + requiredString(source, "media_type", sourcePath + ".media_type")
                    + ";base64," + requiredString(source, "data", sourcePath + ".data");
            case "url" -> requiredString(source, "url", sourcePath + ".url");
            default -> throw unsupported(sourcePath, "Image source type '" + source.get("type").asText() + "'");
        };
        ObjectNode part = JsonCodec.object();
        part.put("type", "image_url");
        part.putObject("image_url").put("url", url);
        return part;
    }
}
