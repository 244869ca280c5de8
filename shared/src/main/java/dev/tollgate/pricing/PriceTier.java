package dev.tollgate.pricing;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * The rates of a {@link ModelPrice} for prompts of more than {@code above} tokens (USD per million tokens).
 * A missing cache price means such tokens cost this tier's plain input rate.
 */
public record PriceTier(long above, BigDecimal inputPerMtok, BigDecimal outputPerMtok, BigDecimal cacheReadPerMtok,
                        BigDecimal cacheWritePerMtok) {

    public PriceTier {
        if (above < 0) {
            throw new IllegalArgumentException("a tier starts at a prompt size >= 0");
        }
        Objects.requireNonNull(inputPerMtok, "inputPerMtok");
        Objects.requireNonNull(outputPerMtok, "outputPerMtok");
        cacheReadPerMtok = cacheReadPerMtok == null ? inputPerMtok : cacheReadPerMtok;
        cacheWritePerMtok = cacheWritePerMtok == null ? inputPerMtok : cacheWritePerMtok;
    }
}
