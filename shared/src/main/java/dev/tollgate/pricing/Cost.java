package dev.tollgate.pricing;

import java.math.BigDecimal;

/**
 * An amount of money: {@code usd} exact, and {@code nanodollars} the same rounded up to the next billionth of a
 * dollar, for counters and ledgers that add integers. Rounding each request up means a sum of costs never falls
 * short of the sum of exact amounts.
 */
public record Cost(long nanodollars, BigDecimal usd) {

    public static final Cost ZERO = new Cost(0, BigDecimal.ZERO);

    public Cost {
        if (nanodollars < 0 || usd.signum() < 0) {
            throw new IllegalArgumentException("a cost is never negative");
        }
    }

    /** The rounded amount in USD, with nine decimals. */
    public BigDecimal roundedUsd() {
        return BigDecimal.valueOf(nanodollars, 9);
    }
}
