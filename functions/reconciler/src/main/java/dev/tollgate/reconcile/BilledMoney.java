package dev.tollgate.reconcile;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Billed amounts are exact decimals until compared; then whole nanodollars, rounded half-even. */
public final class BilledMoney {

    private BilledMoney() {
    }

    public static long nanos(BigDecimal usd) {
        return usd.movePointRight(9).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
    }

    /** Anthropic's amounts: a decimal string in cents ({@code "123.45"} is $1.2345), converted exactly. */
    public static BigDecimal usdFromCents(String cents) {
        return new BigDecimal(cents.trim()).movePointLeft(2);
    }

    /**
     * Relative drift in percent of the bill, four decimals. A bill of zero has no relative scale: the drift is then
     * 0 when nothing was metered either, else 100 percent in the direction of the drift.
     */
    public static BigDecimal driftPct(long driftNanos, long billedNanos) {
        if (billedNanos == 0) {
            return BigDecimal.valueOf(Long.signum(driftNanos) * 100L).setScale(4, RoundingMode.UNNECESSARY);
        }
        return BigDecimal.valueOf(driftNanos).multiply(BigDecimal.valueOf(100))
                .divide(BigDecimal.valueOf(billedNanos), 4, RoundingMode.HALF_EVEN);
    }
}
