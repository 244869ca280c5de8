package dev.tollgate.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.FinishReasons;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What one Gemini candidate (or one streamed piece of it) says, in OpenAI's terms: the answer text (thought
 * summaries left out), the function calls as OpenAI tool calls, and the raw finish reason.
 */
record GeminiCandidate(String text, List<ObjectNode> toolCalls, String finishReason) {

    /**
     * @param candidate {@code candidates[0]}, or null
     * @param responseId Gemini's response id (may be null), part of each synthesised call id
     * @param firstToolIndex the OpenAI index of the first function call in this candidate (streams count on)
     */
    static GeminiCandidate read(JsonNode candidate, String responseId, int firstToolIndex) {
        if (candidate == null || !candidate.isObject()) {
            return new GeminiCandidate("", List.of(), null);
        }
        StringBuilder text = new StringBuilder();
        List<ObjectNode> calls = new ArrayList<>();
        for (JsonNode part : candidate.path("content").path("parts")) {
            if (part.path("thought").asBoolean(false)) {
                continue;
            }
            if (part.has("text")) {
                text.append(part.get("text").asText());
            } else if (part.has("functionCall")) {
                calls.add(toolCall(part, responseId, firstToolIndex + calls.size()));
            }
        }
        JsonNode finish = candidate.get("finishReason");
        return new GeminiCandidate(text.toString(), calls,
                finish == null || finish.isNull() || "FINISH_REASON_UNSPECIFIED".equals(finish.asText())
                        ? null : finish.asText());
    }

    /**
     * Gemini gives calls no id, so one is derived from the response id, position, name and arguments: the same
     * answer always yields the same ids, streamed or not. The id only has to come back on the tool result, where
     * the function name is recovered from it.
     */
    private static ObjectNode toolCall(JsonNode part, String responseId, int index) {
        JsonNode call = part.get("functionCall");
        String name = call.path("name").asText();
        JsonNode args = call.get("args");
        String arguments = args == null || args.isNull() ? "{}"
                : new String(JsonCodec.bytes(args), StandardCharsets.UTF_8);
        String seed = (responseId == null ? "" : responseId) + "\u0000" + index + "\u0000" + name + "\u0000" + arguments;
        String id = "call_" + UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString()
                .replace("-", "").substring(0, 24);
        ObjectNode toolCall = JsonCodec.object();
        toolCall.put("id", id);
        toolCall.put("type", "function");
        ObjectNode function = toolCall.putObject("function");
        function.put("name", name);
        function.put("arguments", arguments);
        JsonNode signature = part.get("thoughtSignature");
        if (signature != null && signature.isTextual()) {
            toolCall.putObject("extra_content").putObject("google").put("thought_signature", signature.asText());
        }
        return toolCall;
    }

    /** OpenAI's finish_reason; a stop that carries function calls is OpenAI's tool_calls. */
    static String openAiFinish(String geminiReason, boolean sawToolCalls) {
        String reason = FinishReasons.toOpenAi(geminiReason);
        return "stop".equals(reason) && sawToolCalls ? "tool_calls" : reason;
    }
}
