package dev.tollgate.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.errors.ClientError;
import dev.tollgate.json.JsonCodec;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ImageBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ImageFormat;
import software.amazon.awssdk.services.bedrockruntime.model.ImageSource;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlock;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * OpenAI {@code messages} to Converse {@code system} and {@code messages}. Converse wants user and assistant
 * turns to alternate, so consecutive turns of one role (tool results, then a user's text) merge into one message.
 */
final class ConverseMessages {

    /** The translated conversation; {@code hasToolBlocks} because Converse then insists on a toolConfig. */
    record Conversation(List<SystemContentBlock> system, List<Message> messages, boolean hasToolBlocks) {
    }

    private final List<SystemContentBlock> system = new ArrayList<>();
    private final List<Message> messages = new ArrayList<>();
    private ConversationRole lastRole;
    private List<ContentBlock> lastContent;
    private boolean hasToolBlocks;

    private ConverseMessages() {
    }

    static Conversation map(JsonNode openAiMessages) {
        ConverseMessages mapper = new ConverseMessages();
        for (int i = 0; i < openAiMessages.size(); i++) {
            mapper.message(openAiMessages.get(i), "messages[" + i + "]");
        }
        mapper.flush();
        return new Conversation(List.copyOf(mapper.system), List.copyOf(mapper.messages), mapper.hasToolBlocks);
    }

    private void message(JsonNode message, String path) {
        String role = message.path("role").asText("");
        JsonNode content = message.get("content");
        switch (role) {
            case "system", "developer" -> {
                for (String text : texts(content, path + ".content")) {
                    system.add(SystemContentBlock.fromText(text));
                }
            }
            case "user" -> append(ConversationRole.USER, userContent(content, path + ".content"));
            case "assistant" -> append(ConversationRole.ASSISTANT, assistantContent(message, path));
            case "tool" -> {
                hasToolBlocks = true;
                append(ConversationRole.USER, List.of(toolResult(message, path)));
            }
            default -> throw ClientError.invalidRequest(path + ".role",
                    "Role '" + role + "' is not supported by Bedrock targets (use system, developer, user, assistant "
                            + "or tool).");
        }
    }

    private void append(ConversationRole role, List<ContentBlock> blocks) {
        if (blocks.isEmpty()) {
            return;
        }
        if (role != lastRole) {
            flush();
            lastRole = role;
            lastContent = new ArrayList<>();
        }
        lastContent.addAll(blocks);
    }

    private void flush() {
        if (lastRole != null && !lastContent.isEmpty()) {
            messages.add(Message.builder().role(lastRole).content(List.copyOf(lastContent)).build());
        }
    }

    private List<ContentBlock> userContent(JsonNode content, String path) {
        List<ContentBlock> blocks = new ArrayList<>();
        if (content == null || content.isNull()) {
            return blocks;
        }
        if (content.isTextual()) {
            addText(blocks, content.asText());
            return blocks;
        }
        if (!content.isArray()) {
            throw ClientError.invalidRequest(path, "'content' must be a string or an array of content parts.");
        }
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String partPath = path + "[" + i + "]";
            String type = part.path("type").asText("");
            switch (type) {
                case "text" -> addText(blocks, part.path("text").asText(""));
                case "image_url" -> blocks.add(ContentBlock.fromImage(image(part.path("image_url").path("url").asText(""),
                        partPath + ".image_url.url")));
                default -> throw ClientError.invalidRequest(partPath + ".type",
                        "Content parts of type '" + type + "' are not supported by Bedrock targets (text and image_url "
                                + "are).");
            }
        }
        return blocks;
    }

    private List<ContentBlock> assistantContent(JsonNode message, String path) {
        List<ContentBlock> blocks = new ArrayList<>();
        for (String text : texts(message.get("content"), path + ".content")) {
            addText(blocks, text);
        }
        JsonNode toolCalls = message.get("tool_calls");
        if (toolCalls != null && toolCalls.isArray()) {
            for (int i = 0; i < toolCalls.size(); i++) {
                hasToolBlocks = true;
                blocks.add(ContentBlock.fromToolUse(toolUse(toolCalls.get(i), path + ".tool_calls[" + i + "]")));
            }
        }
        return blocks;
    }

    private static ToolUseBlock toolUse(JsonNode call, String path) {
        String id = call.path("id").asText("");
        String name = call.path("function").path("name").asText("");
        if (id.isEmpty() || name.isEmpty()) {
            throw ClientError.invalidRequest(path, "A tool call needs an 'id' and a 'function.name'.");
        }
        String arguments = call.path("function").path("arguments").asText("");
        JsonNode input;
        try {
            input = arguments.isBlank() ? JsonCodec.object()
                    : JsonCodec.parse(arguments.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            input = null;
        }
        if (input == null || !input.isObject()) {
            throw ClientError.invalidRequest(path + ".function.arguments",
                    "Tool call arguments must be a JSON object for Bedrock targets.");
        }
        return ToolUseBlock.builder().toolUseId(id).name(name).input(Documents.fromJson(input)).build();
    }

    private static ContentBlock toolResult(JsonNode message, String path) {
        String id = message.path("tool_call_id").asText("");
        if (id.isEmpty()) {
            throw ClientError.missingParam(path + ".tool_call_id");
        }
        List<ToolResultContentBlock> content = new ArrayList<>();
        for (String text : texts(message.get("content"), path + ".content")) {
            if (!text.isEmpty()) {
                content.add(ToolResultContentBlock.fromText(text));
            }
        }
        if (content.isEmpty()) {
            // Converse rejects an empty result; an empty string is what the tool returned.
            content.add(ToolResultContentBlock.fromText(" "));
        }
        return ContentBlock.fromToolResult(ToolResultBlock.builder().toolUseId(id).content(content).build());
    }

    /** The text of a string content, or of each text (or refusal) part of an array content. */
    private static List<String> texts(JsonNode content, String path) {
        List<String> texts = new ArrayList<>();
        if (content == null || content.isNull()) {
            return texts;
        }
        if (content.isTextual()) {
            texts.add(content.asText());
            return texts;
        }
        if (!content.isArray()) {
            throw ClientError.invalidRequest(path, "'content' must be a string or an array of text parts.");
        }
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String type = part.path("type").asText("");
            switch (type) {
                case "text" -> texts.add(part.path("text").asText(""));
                case "refusal" -> texts.add(part.path("refusal").asText(""));
                default -> throw ClientError.invalidRequest(path + "[" + i + "].type",
                        "Only text parts are supported here for Bedrock targets, not '" + type + "'.");
            }
        }
        return texts;
    }

    private static void addText(List<ContentBlock> blocks, String text) {
        // Converse rejects blank text blocks.
        if (!text.isBlank()) {
            blocks.add(ContentBlock.fromText(text));
        }
    }

    /** A base64 data: URL to an image block; Converse cannot fetch http(s) URLs. */
    static ImageBlock image(String url, String path) {
        if (!url.startsWith("data:")) {
            throw ClientError.invalidRequest(path, "Bedrock targets accept images only as base64 data: URLs "
                    + "(data:image/png;base64,...); Converse does not fetch http(s) image URLs.");
        }
        int comma = url.indexOf(',');
        String header = comma < 0 ? "" : url.substring(5, comma).toLowerCase(Locale.ROOT);
        if (comma < 0 || !header.endsWith(";base64")) {
            throw ClientError.invalidRequest(path, "Expected a base64 data: URL (data:image/png;base64,...).");
        }
        ImageFormat format = switch (header.substring(0, header.length() - ";base64".length())) {
            case "image/png" -> ImageFormat.PNG;
            case "image/jpeg", "image/jpg" -> ImageFormat.JPEG;
            case "image/gif" -> ImageFormat.GIF;
            case "image/webp" -> ImageFormat.WEBP;
            default -> throw ClientError.invalidRequest(path,
                    "Bedrock targets accept png, jpeg, gif and webp images.");
        };
        byte[] bytes;
        try {
            bytes = Base64.getMimeDecoder().decode(url.substring(comma + 1));
        } catch (IllegalArgumentException e) {
            throw ClientError.invalidRequest(path, "The image data is not valid base64.");
        }
        return ImageBlock.builder().format(format).source(ImageSource.fromBytes(SdkBytes.fromByteArray(bytes))).build();
    }
}
