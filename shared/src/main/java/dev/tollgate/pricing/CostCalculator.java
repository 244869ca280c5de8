package dev.tollgate.pricing;

import dev.tollgate.providers.Usage;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Exact cost of token usage at a {@link ModelPrice}. Pure: no clock, no I/O, no floating point.
 *
 * <p>The prompt ({@code promptTokens}, which includes cached reads and cache writes) selects the price tier; then
 * uncached input ({@code prompt - cached - cacheWrite}) costs the input rate, cached reads the cache-read rate, cache
 * writes the cache-write rate, completion tokens the output rate. USD = sum(tokens x rate per million) / 10^6,
 * rounded up to whole nanodollars only in {@link Cost#nanodollars()}.
 */
public final class CostCalculator {

    private CostCalculator() {
    }

    /** What a completed request cost. */
    public static Cost cost(ModelPrice price, Usage usage) {
        long prompt = nonNegative(usage.promptTokens(), "promptTokens");
        long cached = nonNegative(usage.cachedTokens(), "cachedTokens");
        long cacheWrite = nonNegative(usage.cacheWriteTokens(), "cacheWriteTokens");
        long completion = nonNegative(usage.completionTokens(), "completionTokens");
        // A provider reporting more cached tokens than prompt tokens is inconsistent; every reported token is still
        // billed at its own rate and the tier is chosen by the larger count, so the error can only overcharge.
        long uncached = Math.max(0, prompt - cached - cacheWrite);
        ModelPrice flat = price.at(Math.max(prompt, cached + cacheWrite));
        BigDecimal perMillion = flat.inputPerMtok().multiply(BigDecimal.valueOf(uncached))
                .add(flat.cacheReadPerMtok().multiply(BigDecimal.valueOf(cached)))
                .add(flat.cacheWritePerMtok().multiply(BigDecimal.valueOf(cacheWrite)))
                .add(flat.outputPerMtok().multiply(BigDecimal.valueOf(completion)));
        return of(perMillion);
    }

    /**
     * An upper bound to reserve before sending: every prompt token at the dearest input-side rate (plain, cache read
     * or cache write, as the request may write the cache) and {@code maxOutputTokens} at the output rate, in the tier
     * the estimated prompt selects. It holds as long as the prompt estimate does not fall short.
     */
    public static Cost worstCase(ModelPrice price, long estimatedPromptTokens, long maxOutputTokens) {
        long prompt = nonNegative(estimatedPromptTokens, "estimatedPromptTokens");
        long output = nonNegative(maxOutputTokens, "maxOutputTokens");
        ModelPrice flat = price.at(prompt);
        BigDecimal inputRate = flat.inputPerMtok().max(flat.cacheReadPerMtok()).max(flat.cacheWritePerMtok());
        BigDecimal perMillion = inputRate.multiply(BigDecimal.valueOf(prompt))
                .add(flat.outputPerMtok().multiply(BigDecimal.valueOf(output)));
        return of(perMillion);
    }

    /** From tokens x USD-per-million-tokens: USD is that / 10^6, nanodollars that x 10^3 rounded up. */
    private static Cost of(BigDecimal tokensTimesRate) {
        BigDecimal usd = tokensTimesRate.movePointLeft(6).stripTrailingZeros();
        if (usd.signum() == 0) {
            return Cost.ZERO;
        }
        long nanos = tokensTimesRate.movePointRight(3).setScale(0, RoundingMode.CEILING).longValueExact();
        return new Cost(nanos, usd);
    }

    private static long nonNegative(long tokens, String name) {
        if (tokens < 0) {
            throw new IllegalArgumentException(name + " must not be negative: " + tokens);
        }
        return tokens;
    }
}
