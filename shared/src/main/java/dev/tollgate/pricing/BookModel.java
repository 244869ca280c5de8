package dev.tollgate.pricing;

/**
 * One model of the price book: its genai-prices id, the rule that recognises names for it, its context window in
 * tokens (0 = unknown) and its prices over time.
 */
public record BookModel(String id, MatchRule match, long contextWindow, PriceSchedule prices) {
}
