package dev.tollgate.budget;

/**
 * A budget a user wrote for a scope: the limit in nanodollars per period, the soft threshold (percent) and what
 * happens there ({@code alert}, or {@code route:<model>} to switch to a cheaper route), and whether the scope fails
 * open when the budget store cannot be reached (default: closed).
 */
public record BudgetLimit(String scope, long limitNanos, Period period, int softPct, String onSoft, boolean failOpen) {

    public long softNanos() {
        return limitNanos / 100 * softPct + limitNanos % 100 * softPct / 100;
    }

    /** The route to switch to past the soft threshold, if the budget says so. */
    public String softRoute() {
        return onSoft != null && onSoft.startsWith("route:") ? onSoft.substring(6) : null;
    }
}
