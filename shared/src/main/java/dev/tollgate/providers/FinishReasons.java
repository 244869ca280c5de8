package dev.tollgate.providers;

import java.util.Locale;

/** Maps every provider's stop reason onto OpenAI's finish_reason values. */
public final class FinishReasons {

    private FinishReasons() {
    }

    /** stop, length, tool_calls or content_filter; null stays null (a chunk that has not finished). */
    public static String toOpenAi(String reason) {
        if (reason == null) {
            return null;
        }
        return switch (reason.toLowerCase(Locale.ROOT)) {
            case "stop", "end_turn", "stop_sequence", "pause_turn", "finish_reason_stop" -> "stop";
            case "length", "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_calls", "tool_use", "function_call" -> "tool_calls";
            case "content_filter", "refusal", "safety", "recitation", "blocklist", "prohibited_content", "spii",
                 "guardrail_intervened", "content_filtered", "image_safety" -> "content_filter";
            default -> "stop";
        };
    }
}
