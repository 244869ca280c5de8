package dev.tollgate.metrics;

import dev.tollgate.providers.Usage;

import java.math.BigDecimal;

/**
 * What the dashboard counts about one finished request. Route and provider come from the config (never from
 * what a client typed), so metric dimensions stay few; both are null when the request ended before routing.
 *
 * @param usage tokens, or null when no provider answered
 * @param costUsd the request's cost, or null until it is priced
 * @param budgetUsedPct the highest use of the request's budgets after it, in whole percent, or null when no budget
 *                      applied
 */
public record RequestOutcome(String route, String provider, int status, String outcome, long latencyMs,
                             int attempts, Usage usage, BigDecimal costUsd, Long budgetUsedPct) {

    /** A request no budget applied to. */
    public RequestOutcome(String route, String provider, int status, String outcome, long latencyMs, int attempts,
                          Usage usage, BigDecimal costUsd) {
        this(route, provider, status, outcome, latencyMs, attempts, usage, costUsd, null);
    }

    /** Error codes of budget refusals start with this, e.g. {@code budget_exceeded}. */
    public static final String BUDGET_CODE_PREFIX = "budget_";

    /** Attempts beyond the first: each one is a fallback (or retry) after a failed target. */
    public int fallbacks() {
        return Math.max(0, attempts - 1);
    }

    public boolean budgetRejected() {
        return outcome != null && outcome.startsWith(BUDGET_CODE_PREFIX);
    }
}
