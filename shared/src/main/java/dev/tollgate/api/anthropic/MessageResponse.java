package dev.tollgate.api.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.Usage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A whole OpenAI chat.completion as an Anthropic message: the text first, then one tool_use block per tool call
 * (its JSON arguments string parsed into the input object), the finish reason mapped back, and the usage split
 * into Anthropic's input, cache-read, cache-write and output counts.
 */
public final class MessageResponse {

    private MessageResponse() {
    }

    /**
     * @param completion the chat.completion body a provider adapter returned
     * @param usage the adapter's reading of its usage (with cache writes, which OpenAI's body cannot carry)
     * @param model the public model name the client asked for
     * @throws IllegalArgumentException if the completion has no choice or a tool call's arguments are not a JSON object
     */
    public static ObjectNode render(byte[] completion, Usage usage, String messageId, String model) {
        JsonNode root;
        try {
            root = JsonCodec.parse(completion);
        } catch (IOException e) {
            throw new IllegalArgumentException("the completion is not JSON", e);
        }
        JsonNode choice = root == null ? null : root.path("choices").path(0);
        if (choice == null || !choice.isObject()) {
            throw new IllegalArgumentException("the completion has no choice");
        }
        JsonNode message = choice.path("message");

        ObjectNode out = JsonCodec.object();
        out.put("id", messageId);
        out.put("type", "message");
        out.put("role", "assistant");
        out.put("model", model);
        ArrayNode content = out.putArray("content");
        String text = text(message.get("content")) + text(message.get("refusal"));
        if (!text.isEmpty()) {
            content.add(ContentBlocks.text(text));
        }
        for (JsonNode call : message.path("tool_calls")) {
            JsonNode function = call.path("function");
            content.add(ContentBlocks.toolUse(call.path("id").asText(null), function.path("name").asText(null),
                    input(function.path("arguments").asText(""))));
        }
        out.put("stop_reason", StopReasons.fromOpenAi(choice.path("finish_reason").asText(null)));
        out.putNull("stop_sequence");
        out.set("usage", AnthropicUsage.of(usage));
        return out;
    }

    /** A string, or the text of content parts; null and anything else read as no text. */
    private static String text(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if ("text".equals(part.path("type").asText())) {
                text.append(part.path("text").asText());
            }
        }
        return text.toString();
    }

    private static JsonNode input(String arguments) {
        if (arguments.isBlank()) {
            return JsonCodec.object();
        }
        JsonNode input;
        try {
            input = JsonCodec.parse(arguments.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("a tool call's arguments are not JSON", e);
        }
        if (input == null || !input.isObject()) {
            throw new IllegalArgumentException("a tool call's arguments are not a JSON object");
        }
        return input;
    }
}
