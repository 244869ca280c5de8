package dev.tollgate.pricing;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** USD per million tokens of each kind. Exact decimals: money is never a double. */
public record ModelPrice(BigDecimal inputPerMtok, BigDecimal outputPerMtok, BigDecimal cacheReadPerMtok,
                         BigDecimal cacheWritePerMtok) {

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    public ModelPrice {
        cacheReadPerMtok = cacheReadPerMtok == null ? inputPerMtok : cacheReadPerMtok;
        cacheWritePerMtok = cacheWritePerMtok == null ? inputPerMtok : cacheWritePerMtok;
    }

    /** Cost in USD of plain input and output tokens, kept exact (scale grows as needed). */
    public BigDecimal estimate(long inputTokens, long outputTokens) {
        return inputPerMtok.multiply(BigDecimal.valueOf(inputTokens))
                .add(outputPerMtok.multiply(BigDecimal.valueOf(outputTokens)))
                .divide(MILLION, 12, RoundingMode.UP).stripTrailingZeros();
    }
}
