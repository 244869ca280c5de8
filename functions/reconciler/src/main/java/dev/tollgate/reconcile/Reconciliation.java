package dev.tollgate.reconcile;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * One line of the reconciliation: a provider's day, or one model of it ({@code model} null for the day's total).
 * Drift is billed minus metered: positive when the provider charged more than the gateway counted. Billed
 * figures are null where the provider reported none (lag, missing data, ledger only, error).
 */
public record Reconciliation(String provider, LocalDate day, String model, Status status, String reason,
                             long ledgerNanos, Long billedNanos, Long driftNanos, BigDecimal driftPct,
                             TokenCounts ledgerTokens, TokenCounts billedTokens) {

    public boolean isTotal() {
        return model == null;
    }

    /** Billed minus metered prompt tokens, or null when the bill has no token counts. */
    public Long promptTokenDrift() {
        return billedTokens == null ? null : billedTokens.promptTokens() - ledgerTokens.promptTokens();
    }

    public Long completionTokenDrift() {
        return billedTokens == null ? null : billedTokens.completionTokens() - ledgerTokens.completionTokens();
    }

    /** The record's sort key: the day, or the day and the model. */
    public String key() {
        return model == null ? day.toString() : day + "#" + model;
    }
}
