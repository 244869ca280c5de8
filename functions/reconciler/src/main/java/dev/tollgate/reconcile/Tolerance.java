package dev.tollgate.reconcile;

import java.math.BigDecimal;

/**
 * How far billed and metered may be apart and still match: within {@code pct} percent of the bill, or within
 * {@code absNanos} in absolute terms (so that a few cents on a small day are not drift).
 */
public record Tolerance(BigDecimal pct, long absNanos) {

    public Tolerance {
        if (pct.signum() < 0 || absNanos < 0) {
            throw new IllegalArgumentException("a tolerance cannot be negative");
        }
    }

    public boolean within(long driftNanos, BigDecimal driftPct) {
        return Math.abs(driftNanos) <= absNanos || driftPct.abs().compareTo(pct) <= 0;
    }
}
