package dev.tollgate.providers.bedrock;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.ChatResult;
import dev.tollgate.providers.FinishReasons;
import dev.tollgate.providers.OpenAiShapes;
import dev.tollgate.providers.Usage;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlock;

/** A Converse response to an OpenAI {@code chat.completion}; usage normalised to OpenAI's inclusive prompt count. */
final class ConverseResponseMapper {

    private ConverseResponseMapper() {
    }

    static ChatResult map(ConverseResponse response, String completionId, long created, String model) {
        StringBuilder text = new StringBuilder();
        ArrayNode toolCalls = JsonCodec.MAPPER.createArrayNode();
        if (response.output() != null && response.output().message() != null) {
            for (ContentBlock block : response.output().message().content()) {
                if (block.text() != null) {
                    text.append(block.text());
                } else if (block.toolUse() != null) {
                    toolCalls.add(toolCall(block.toolUse()));
                }
                // reasoning, citations and guard content have no place in chat.completion: left out.
            }
        }
        Usage usage = usage(response.usage());
        ObjectNode body = OpenAiShapes.completion(completionId, created, model);
        ObjectNode message = JsonCodec.object();
        message.put("role", "assistant");
        if (text.isEmpty() && !toolCalls.isEmpty()) {
            message.putNull("content");
        } else {
            message.put("content", text.toString());
        }
        message.putNull("refusal");
        if (!toolCalls.isEmpty()) {
            message.set("tool_calls", toolCalls);
        }
        OpenAiShapes.messageChoice(body.putArray("choices"), 0, message,
                FinishReasons.toOpenAi(response.stopReasonAsString()));
        body.set("usage", usageJson(usage));
        return new ChatResult(JsonCodec.bytes(body), usage);
    }

    private static ObjectNode toolCall(ToolUseBlock toolUse) {
        ObjectNode call = JsonCodec.object();
        call.put("id", toolUse.toolUseId());
        call.put("type", "function");
        ObjectNode function = call.putObject("function");
        function.put("name", toolUse.name());
        function.put("arguments", Documents.toJson(toolUse.input()).toString());
        return call;
    }

    /**
     * Bedrock counts cache reads and writes apart from {@code inputTokens} (which holds only the uncached input);
     * OpenAI's {@code prompt_tokens}, and {@link Usage}, include them.
     */
    static Usage usage(TokenUsage usage) {
        if (usage == null) {
            return Usage.NONE;
        }
        long read = orZero(usage.cacheReadInputTokens());
        long write = orZero(usage.cacheWriteInputTokens());
        return new Usage(orZero(usage.inputTokens()) + read + write, orZero(usage.outputTokens()), read, write);
    }

    static ObjectNode usageJson(Usage usage) {
        ObjectNode node = JsonCodec.object();
        node.put("prompt_tokens", usage.promptTokens());
        node.put("completion_tokens", usage.completionTokens());
        node.put("total_tokens", usage.totalTokens());
        node.putObject("prompt_tokens_details").put("cached_tokens", usage.cachedTokens());
        return node;
    }

    private static long orZero(Integer value) {
        return value == null ? 0 : value;
    }
}
