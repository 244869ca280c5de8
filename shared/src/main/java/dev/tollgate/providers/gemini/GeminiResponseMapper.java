package dev.tollgate.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.errors.ProviderError;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.ChatResult;
import dev.tollgate.providers.OpenAiShapes;

import java.util.UUID;

/** A whole Gemini {@code GenerateContentResponse} as an OpenAI {@code chat.completion}. */
final class GeminiResponseMapper {

    private GeminiResponseMapper() {
    }

    /**
     * @param model the upstream model name, used when the response names no model version
     * @param created the completion's timestamp (epoch seconds)
     */
    static ChatResult toChatCompletion(JsonNode response, String model, long created) {
        JsonNode candidate = response.path("candidates").path(0);
        if (candidate.isMissingNode()) {
            throw blockedOrMalformed(response);
        }
        String responseId = text(response, "responseId");
        GeminiCandidate read = GeminiCandidate.read(candidate, responseId, 0);
        ObjectNode body = OpenAiShapes.completion(completionId(responseId), created, modelName(response, model));
        String finish = GeminiCandidate.openAiFinish(
                read.finishReason() == null ? "STOP" : read.finishReason(), !read.toolCalls().isEmpty());
        boolean noText = read.text().isEmpty() && (!read.toolCalls().isEmpty() || "content_filter".equals(finish));
        ObjectNode message = OpenAiShapes.assistantMessage(noText ? null : read.text(), read.toolCalls());
        OpenAiShapes.messageChoice(body.putArray("choices"), 0, message, finish);
        JsonNode metadata = response.get("usageMetadata");
        body.set("usage", GeminiUsage.openAiNode(metadata));
        return new ChatResult(JsonCodec.bytes(body), GeminiUsage.from(metadata));
    }

    /** No candidate at all: Gemini blocked the prompt itself (promptFeedback.blockReason), or the answer is broken. */
    static ProviderError blockedOrMalformed(JsonNode response) {
        String blockReason = text(response.path("promptFeedback"), "blockReason");
        if (blockReason != null) {
            return ProviderError.contentFiltered(GeminiAdapter.TYPE, 200,
                    "the prompt was blocked (" + blockReason + ").");
        }
        return ProviderError.malformedResponse(GeminiAdapter.TYPE, null);
    }

    static String completionId(String responseId) {
        return "chatcmpl-" + (responseId != null ? responseId : UUID.randomUUID().toString().replace("-", ""));
    }

    static String modelName(JsonNode response, String model) {
        String version = text(response, "modelVersion");
        return version != null ? version : model;
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() || !value.isTextual() ? null : value.asText();
    }
}
