package dev.tollgate.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.errors.ClientError;
import dev.tollgate.json.JsonCodec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * OpenAI {@code messages} to Anthropic's top-level {@code system} plus alternating user/assistant messages:
 * system and developer messages are lifted (wherever they stand), tool results become user {@code tool_result}
 * blocks, assistant tool calls become {@code tool_use} blocks, and consecutive messages of one role merge.
 */
final class MessageMapper {

    /** The media types Anthropic accepts in a base64 image source. */
    static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

    record Mapped(ArrayNode system, ArrayNode messages) {
    }

    private final String provider;
    private final ArrayNode system = JsonCodec.MAPPER.createArrayNode();
    private final ArrayNode messages = JsonCodec.MAPPER.createArrayNode();

    private MessageMapper(String provider) {
        this.provider = provider;
    }

    static Mapped map(JsonNode openAiMessages, String provider) {
        MessageMapper mapper = new MessageMapper(provider);
        for (int i = 0; i < openAiMessages.size(); i++) {
            mapper.message(openAiMessages.get(i), "messages[" + i + "]");
        }
        return new Mapped(mapper.system, mapper.messages);
    }

    private void message(JsonNode message, String path) {
        String role = message.path("role").asText();
        switch (role) {
            case "system", "developer" -> texts(message.get("content"), path + ".content", system);
            case "user" -> append("user", userContent(message.get("content"), path + ".content"));
            case "assistant" -> append("assistant", assistantContent(message, path));
            case "tool" -> append("user", JsonCodec.MAPPER.createArrayNode().add(toolResult(message, path)));
            case "function" -> throw ParameterPolicy.refuse(provider, path + ".role",
                    "'function' messages of the deprecated functions API are not translated; use tools");
            default -> throw ClientError.invalidRequest(path + ".role", "Unknown message role '" + role + "'.");
        }
    }

    /** Adds blocks to the conversation, merging into the previous message when the role repeats. */
    private void append(String role, ArrayNode blocks) {
        if (blocks.isEmpty()) {
            return;
        }
        JsonNode last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
        if (last != null && role.equals(last.get("role").asText())) {
            ((ArrayNode) last.get("content")).addAll(blocks);
            return;
        }
        ObjectNode message = messages.addObject();
        message.put("role", role);
        message.set("content", blocks);
    }

    /** Text of a string or of an array of text parts, as text blocks; empty text is skipped (Anthropic refuses it). */
    private void texts(JsonNode content, String path, ArrayNode into) {
        if (content == null || content.isNull()) {
            return;
        }
        if (content.isTextual()) {
            addText(into, content.asText());
            return;
        }
        if (!content.isArray()) {
            throw ClientError.invalidRequest(path, "Message content must be a string or an array of parts.");
        }
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            switch (part.path("type").asText()) {
                case "text" -> addText(into, part.path("text").asText());
                case "refusal" -> addText(into, part.path("refusal").asText());
                default -> throw ParameterPolicy.refuse(provider, path + "[" + i + "].type",
                        "only text parts are translated here, not '" + part.path("type").asText() + "'");
            }
        }
    }

    private static void addText(ArrayNode into, String text) {
        if (!text.isEmpty()) {
            into.addObject().put("type", "text").put("text", text);
        }
    }

    private ArrayNode userContent(JsonNode content, String path) {
        ArrayNode blocks = JsonCodec.MAPPER.createArrayNode();
        if (content == null || content.isNull() || content.isTextual()) {
            texts(content, path, blocks);
            return blocks;
        }
        if (!content.isArray()) {
            throw ClientError.invalidRequest(path, "Message content must be a string or an array of parts.");
        }
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String type = part.path("type").asText();
            switch (type) {
                case "text" -> addText(blocks, part.path("text").asText());
                case "image_url" -> blocks.add(image(part.get("image_url"), path + "[" + i + "].image_url"));
                default -> throw ParameterPolicy.refuse(provider, path + "[" + i + "].type",
                        "'" + type + "' content parts are not translated (text and image_url are)");
            }
        }
        return blocks;
    }

    /** A data: URL becomes a base64 source, an http(s) URL a url source; the OpenAI {@code detail} is dropped. */
    private ObjectNode image(JsonNode imageUrl, String path) {
        JsonNode urlNode = imageUrl == null ? null : imageUrl.isTextual() ? imageUrl : imageUrl.get("url");
        if (urlNode == null || !urlNode.isTextual() || urlNode.asText().isBlank()) {
            throw ClientError.invalidRequest(path + ".url", "An image_url part needs a url.");
        }
        String url = urlNode.asText();
        ObjectNode block = JsonCodec.object().put("type", "image");
        ObjectNode source = block.putObject("source");
        if (url.startsWith("data:")) {
            int comma = url.indexOf(',');
            String meta = comma < 0 ? "" : url.substring(5, comma);
            if (comma < 0 || !meta.endsWith(";base64")) {
                throw ClientError.invalidRequest(path + ".url", "An image data URL must be base64: data:<type>;base64,<data>.");
            }
            String mediaType = meta.substring(0, meta.length() - ";base64".length()).toLowerCase(Locale.ROOT);
            if (!IMAGE_TYPES.contains(mediaType)) {
                throw ParameterPolicy.refuse(provider, path + ".url",
                        "images must be image/jpeg, image/png, image/gif or image/webp, not '" + mediaType + "'");
            }
            source.put("type", "base64").put("media_type", mediaType).put("data", url.substring(comma + 1));
        } else if (url.startsWith("https://") || url.startsWith("http://")) {
            source.put("type", "url").put("url", url);
        } else {
            throw ClientError.invalidRequest(path + ".url", "An image URL must be an http(s) URL or a data: URL.");
        }
        return block;
    }

    private ArrayNode assistantContent(JsonNode message, String path) {
        ArrayNode blocks = JsonCodec.MAPPER.createArrayNode();
        texts(message.get("content"), path + ".content", blocks);
        JsonNode calls = message.get("tool_calls");
        if (calls == null || calls.isNull()) {
            return blocks;
        }
        if (!calls.isArray()) {
            throw ClientError.invalidRequest(path + ".tool_calls", "'tool_calls' must be an array.");
        }
        for (int i = 0; i < calls.size(); i++) {
            JsonNode call = calls.get(i);
            String callPath = path + ".tool_calls[" + i + "]";
            JsonNode function = call.isObject() ? call.get("function") : null;
            if (!call.path("id").isTextual() || function == null || !function.path("name").isTextual()) {
                throw ClientError.invalidRequest(callPath, "A tool call needs an id and a function name.");
            }
            ObjectNode use = blocks.addObject();
            use.put("type", "tool_use");
            use.put("id", call.get("id").asText());
            use.put("name", function.get("name").asText());
            use.set("input", arguments(function.get("arguments"), callPath + ".function.arguments"));
        }
        return blocks;
    }

    /** OpenAI carries arguments as a JSON string; Anthropic wants the object itself. */
    private JsonNode arguments(JsonNode arguments, String path) {
        if (arguments == null || arguments.isNull() || arguments.asText().isBlank()) {
            return JsonCodec.object();
        }
        if (arguments.isObject()) {
            return arguments;
        }
        try {
            JsonNode parsed = JsonCodec.parse(arguments.asText().getBytes(StandardCharsets.UTF_8));
            if (parsed != null && parsed.isObject()) {
                return parsed;
            }
        } catch (IOException notJson) {
            // refused below
        }
        throw ParameterPolicy.refuse(provider, path, "tool call arguments must be a JSON object to be replayed");
    }

    private ObjectNode toolResult(JsonNode message, String path) {
        JsonNode id = message.get("tool_call_id");
        if (id == null || !id.isTextual() || id.asText().isBlank()) {
            throw ClientError.invalidRequest(path + ".tool_call_id", "A tool message needs its tool_call_id.");
        }
        ObjectNode result = JsonCodec.object();
        result.put("type", "tool_result");
        result.put("tool_use_id", id.asText());
        JsonNode content = message.get("content");
        if (content != null && content.isTextual()) {
            if (!content.asText().isEmpty()) {
                result.put("content", content.asText());
            }
        } else if (content != null && !content.isNull()) {
            ArrayNode blocks = JsonCodec.MAPPER.createArrayNode();
            texts(content, path + ".content", blocks);
            if (!blocks.isEmpty()) {
                result.set("content", blocks);
            }
        }
        return result;
    }
}
