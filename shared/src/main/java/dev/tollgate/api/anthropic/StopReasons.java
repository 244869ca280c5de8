package dev.tollgate.api.anthropic;

/** OpenAI finish_reason back to Anthropic stop_reason. */
final class StopReasons {

    private StopReasons() {
    }

    /**
     * stop becomes end_turn: OpenAI does not say whether a stop sequence ended the text, so stop_sequence is
     * never reported. A missing reason (a stream that ended without one) is also end_turn.
     */
    static String fromOpenAi(String finishReason) {
        if (finishReason == null) {
            return "end_turn";
        }
        return switch (finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> "end_turn";
        };
    }
}
