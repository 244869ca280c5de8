package dev.tollgate.providers.anthropic;

import dev.tollgate.providers.OpenAiShapes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.ChatResult;
import dev.tollgate.providers.FinishReasons;
import dev.tollgate.providers.Usage;

import java.nio.charset.StandardCharsets;

/**
 * An Anthropic {@code message} to an OpenAI {@code chat.completion}: text blocks join into the content, tool_use
 * blocks become tool_calls (arguments = the input as a JSON string), stop_reason becomes finish_reason. Thinking
 * and server-tool blocks have no Chat Completions field and are not rendered (this adapter never asks for them).
 */
final class AnthropicResponseMapper {

    private AnthropicResponseMapper() {
    }

    /** Null when the body is not an Anthropic message (the caller reports a malformed response). */
    static ChatResult toOpenAi(JsonNode message, long created) {
        if (message == null || !message.isObject() || !"message".equals(message.path("type").asText())
                || !message.path("content").isArray()) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        ArrayNode toolCalls = JsonCodec.MAPPER.createArrayNode();
        for (JsonNode block : message.get("content")) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "tool_use" -> {
                    ObjectNode call = toolCalls.addObject();
                    call.put("id", block.path("id").asText());
                    call.put("type", "function");
                    ObjectNode function = call.putObject("function");
                    function.put("name", block.path("name").asText());
                    JsonNode input = block.get("input");
                    function.put("arguments", input == null || input.isNull() ? "{}"
                            : new String(JsonCodec.bytes(input), StandardCharsets.UTF_8));
                }
                default -> { }
            }
        }
        Usage usage = AnthropicUsage.of(message.get("usage"));
        ObjectNode body = OpenAiShapes.completion(message.path("id").asText(), created,
                message.path("model").asText());
        ObjectNode out = OpenAiShapes.assistantMessage(
                text.isEmpty() && !toolCalls.isEmpty() ? null : text.toString(), toolCalls);
        String stopReason = message.path("stop_reason").asText(null);
        OpenAiShapes.messageChoice(body.putArray("choices"), 0, out,
                stopReason == null ? "stop" : FinishReasons.toOpenAi(stopReason));
        body.set("usage", OpenAiShapes.usage(usage));
        return new ChatResult(JsonCodec.bytes(body), usage);
    }
}
