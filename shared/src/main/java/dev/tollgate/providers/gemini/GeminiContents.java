package dev.tollgate.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.errors.ClientError;
import dev.tollgate.json.JsonCodec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * OpenAI {@code messages} to Gemini {@code contents} and {@code systemInstruction}. Roles become user/model;
 * assistant tool calls become functionCall parts and tool results functionResponse parts. Gemini names a function
 * response by function name, not by call id, so the name is recovered from the assistant tool call with that id.
 * Consecutive turns of one role are merged, since Gemini expects a turn's function responses together.
 */
final class GeminiContents {

    record Mapped(ArrayNode contents, ObjectNode systemInstruction) {
    }

    private final ArrayNode contents = JsonCodec.MAPPER.createArrayNode();
    private final ArrayNode systemParts = JsonCodec.MAPPER.createArrayNode();
    private final Map<String, String> functionNameByCallId = new HashMap<>();

    private GeminiContents() {
    }

    static Mapped map(JsonNode messages) {
        GeminiContents mapper = new GeminiContents();
        for (int i = 0; i < messages.size(); i++) {
            mapper.message(messages.get(i), "messages[" + i + "]");
        }
        ObjectNode system = null;
        if (!mapper.systemParts.isEmpty()) {
            system = JsonCodec.object();
            system.set("parts", mapper.systemParts);
        }
        return new Mapped(mapper.contents, system);
    }

    private void message(JsonNode message, String path) {
        String role = message.path("role").asText();
        switch (role) {
            case "system", "developer" -> textOnly(message.get("content"), path + ".content", systemParts);
            case "user" -> append("user", userParts(message.get("content"), path + ".content"));
            case "assistant" -> append("model", assistantParts(message, path));
            case "tool" -> append("user", toolResult(message, path));
            case "function" -> throw GeminiRequestMapper.unsupported(path + ".role",
                    "the deprecated 'function' role is not supported; use 'tool'.");
            default -> throw ClientError.invalidRequest(path + ".role", "Unknown message role '" + role + "'.");
        }
    }

    private void append(String role, ArrayNode parts) {
        if (parts.isEmpty()) {
            return;
        }
        JsonNode last = contents.isEmpty() ? null : contents.get(contents.size() - 1);
        if (last != null && role.equals(last.path("role").asText())) {
            ((ArrayNode) last.get("parts")).addAll(parts);
            return;
        }
        ObjectNode content = contents.addObject();
        content.put("role", role);
        content.set("parts", parts);
    }

    private static ArrayNode userParts(JsonNode content, String path) {
        ArrayNode parts = JsonCodec.MAPPER.createArrayNode();
        if (content == null || content.isNull()) {
            return parts;
        }
        if (content.isTextual()) {
            parts.addObject().put("text", content.asText());
            return parts;
        }
        if (!content.isArray()) {
            throw ClientError.invalidRequest(path, "Message content must be a string or an array of parts.");
        }
        for (int i = 0; i < content.size(); i++) {
            parts.add(GeminiParts.userPart(content.get(i), path + "[" + i + "]"));
        }
        return parts;
    }

    private ArrayNode assistantParts(JsonNode message, String path) {
        if (GeminiRequestMapper.present(message, "function_call") != null) {
            throw GeminiRequestMapper.unsupported(path + ".function_call",
                    "the deprecated 'function_call' message field is not supported; use 'tool_calls'.");
        }
        if (GeminiRequestMapper.present(message, "audio") != null) {
            throw GeminiRequestMapper.unsupported(path + ".audio", "earlier audio answers cannot be sent to Gemini.");
        }
        ArrayNode parts = JsonCodec.MAPPER.createArrayNode();
        textOnly(message.get("content"), path + ".content", parts);
        JsonNode toolCalls = message.get("tool_calls");
        if (toolCalls != null && !toolCalls.isNull()) {
            for (int i = 0; i < toolCalls.size(); i++) {
                parts.add(functionCall(toolCalls.get(i), path + ".tool_calls[" + i + "]"));
            }
        }
        return parts;
    }

    private ObjectNode functionCall(JsonNode call, String path) {
        if (!"function".equals(call.path("type").asText("function"))) {
            throw GeminiRequestMapper.unsupported(path + ".type", "only function tool calls are supported for Gemini.");
        }
        String name = call.path("function").path("name").asText(null);
        if (name == null || name.isEmpty()) {
            throw ClientError.invalidRequest(path + ".function.name", "A tool call needs a function name.");
        }
        String id = call.path("id").asText(null);
        if (id != null) {
            functionNameByCallId.put(id, name);
        }
        ObjectNode part = JsonCodec.object();
        ObjectNode functionCall = part.putObject("functionCall");
        functionCall.put("name", name);
        functionCall.set("args", arguments(call.path("function").path("arguments").asText(""), path));
        // Gemini 3 requires the thought signature of its own function calls back; it travels as
        // extra_content.google.thought_signature, the convention of Google's own OpenAI-compatible endpoint.
        JsonNode signature = call.path("extra_content").path("google").get("thought_signature");
        if (signature != null && signature.isTextual()) {
            part.put("thoughtSignature", signature.asText());
        }
        return part;
    }

    private static JsonNode arguments(String text, String path) {
        if (text.isBlank()) {
            return JsonCodec.object();
        }
        try {
            JsonNode args = JsonCodec.parse(text.getBytes(StandardCharsets.UTF_8));
            if (args != null && args.isObject()) {
                return args;
            }
        } catch (IOException ignored) {
            // refused below
        }
        throw GeminiRequestMapper.unsupported(path + ".function.arguments",
                "Gemini needs tool call arguments that are a JSON object.");
    }

    private ArrayNode toolResult(JsonNode message, String path) {
        String id = message.path("tool_call_id").asText(null);
        String name = id == null ? null : functionNameByCallId.get(id);
        if (name == null) {
            throw ClientError.invalidRequest(path + ".tool_call_id",
                    "A 'tool' message must answer a tool call of an earlier assistant message (unknown tool_call_id).");
        }
        ArrayNode texts = JsonCodec.MAPPER.createArrayNode();
        textOnly(message.get("content"), path + ".content", texts);
        StringBuilder text = new StringBuilder();
        texts.forEach(t -> text.append(t.path("text").asText()));
        ObjectNode part = JsonCodec.object();
        ObjectNode response = part.putObject("functionResponse");
        response.put("name", name);
        response.set("response", responseObject(text.toString()));
        ArrayNode parts = JsonCodec.MAPPER.createArrayNode();
        parts.add(part);
        return parts;
    }

    /** Gemini wants an object: a JSON object result as is, anything else under "output" (Gemini's documented key). */
    private static ObjectNode responseObject(String text) {
        try {
            JsonNode parsed = JsonCodec.parse(text.getBytes(StandardCharsets.UTF_8));
            if (parsed != null && parsed.isObject()) {
                return (ObjectNode) parsed;
            }
        } catch (IOException notJson) {
            // plain text result
        }
        ObjectNode wrapped = JsonCodec.object();
        wrapped.put("output", text);
        return wrapped;
    }

    /** Text content (a string, or text and refusal parts) into text parts. */
    private static void textOnly(JsonNode content, String path, ArrayNode into) {
        if (content == null || content.isNull()) {
            return;
        }
        if (content.isTextual()) {
            if (!content.asText().isEmpty()) {
                into.addObject().put("text", content.asText());
            }
            return;
        }
        if (!content.isArray()) {
            throw ClientError.invalidRequest(path, "Message content must be a string or an array of parts.");
        }
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String type = part.path("type").asText();
            String text = switch (type) {
                case "text" -> part.path("text").asText();
                case "refusal" -> part.path("refusal").asText();
                default -> throw GeminiRequestMapper.unsupported(path + "[" + i + "].type",
                        "content of type '" + type + "' is not supported in this message role.");
            };
            into.addObject().put("text", text);
        }
    }
}
