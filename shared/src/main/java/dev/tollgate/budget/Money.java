package dev.tollgate.budget;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Dollars as whole nanodollars (1e-9 USD) in a long: exact, and atomic to add in DynamoDB. */
public final class Money {

    public static final long NANOS_PER_USD = 1_000_000_000L;

    private Money() {
    }

    /** USD to nanodollars, rounding up: a reservation or a charge never comes out smaller than the price. */
    public static long nanos(BigDecimal usd) {
        return usd.movePointRight(9).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    public static BigDecimal usd(long nanos) {
        return BigDecimal.valueOf(nanos, 9).stripTrailingZeros();
    }

    /** For headers and reports: plain decimal USD, e.g. {@code 0.000123}. */
    public static String format(long nanos) {
        BigDecimal usd = usd(nanos);
        return (usd.signum() == 0 ? BigDecimal.ZERO : usd).toPlainString();
    }
}
