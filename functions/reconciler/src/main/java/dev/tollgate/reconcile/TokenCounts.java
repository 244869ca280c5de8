package dev.tollgate.reconcile;

/**
 * Tokens (and requests) of a day or a model-day. Prompt tokens include cached reads and cache writes, as in the
 * ledger and in OpenAI's usage. {@code requests} is -1 where the source does not count them (Anthropic).
 */
public record TokenCounts(long promptTokens, long completionTokens, long requests) {

    public static final TokenCounts ZERO = new TokenCounts(0, 0, 0);

    public TokenCounts plus(TokenCounts other) {
        long requestSum = requests < 0 || other.requests < 0 ? -1 : requests + other.requests;
        return new TokenCounts(promptTokens + other.promptTokens, completionTokens + other.completionTokens,
                requestSum);
    }
}
