package dev.tollgate.pricing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Objects;

/**
 * USD per million tokens of each kind. Exact decimals: money is never a double.
 *
 * <p>{@code tiers} (ascending, possibly empty) replace every rate once the prompt, counted with cached reads and
 * cache writes, holds more than a tier's {@code above} tokens: the "cliff" model of genai-prices, where crossing a
 * threshold reprices all tokens of the request, not only those beyond it. A missing cache price means such tokens
 * cost plain input.
 */
public record ModelPrice(BigDecimal inputPerMtok, BigDecimal outputPerMtok, BigDecimal cacheReadPerMtok,
                         BigDecimal cacheWritePerMtok, List<PriceTier> tiers) {

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    public ModelPrice {
        Objects.requireNonNull(inputPerMtok, "inputPerMtok");
        Objects.requireNonNull(outputPerMtok, "outputPerMtok");
        cacheReadPerMtok = cacheReadPerMtok == null ? inputPerMtok : cacheReadPerMtok;
        cacheWritePerMtok = cacheWritePerMtok == null ? inputPerMtok : cacheWritePerMtok;
        tiers = tiers == null ? List.of() : List.copyOf(tiers);
        for (int i = 1; i < tiers.size(); i++) {
            if (tiers.get(i).above() <= tiers.get(i - 1).above()) {
                throw new IllegalArgumentException("price tiers must be in ascending order of prompt size");
            }
        }
    }

    /** A flat price: the same rates whatever the prompt size. */
    public ModelPrice(BigDecimal inputPerMtok, BigDecimal outputPerMtok, BigDecimal cacheReadPerMtok,
                      BigDecimal cacheWritePerMtok) {
        this(inputPerMtok, outputPerMtok, cacheReadPerMtok, cacheWritePerMtok, List.of());
    }

    /** The flat rates in force for a prompt of this many tokens (cached reads and cache writes included). */
    public ModelPrice at(long promptTokens) {
        PriceTier chosen = null;
        for (PriceTier tier : tiers) {
            if (promptTokens > tier.above()) {
                chosen = tier;
            }
        }
        if (chosen == null) {
            return tiers.isEmpty() ? this : new ModelPrice(inputPerMtok, outputPerMtok, cacheReadPerMtok,
                    cacheWritePerMtok);
        }
        return new ModelPrice(chosen.inputPerMtok(), chosen.outputPerMtok(), chosen.cacheReadPerMtok(),
                chosen.cacheWritePerMtok());
    }

    /** Cost in USD of plain input and output tokens at the tier the input selects, kept exact. */
    public BigDecimal estimate(long inputTokens, long outputTokens) {
        ModelPrice flat = at(inputTokens);
        return flat.inputPerMtok.multiply(BigDecimal.valueOf(inputTokens))
                .add(flat.outputPerMtok.multiply(BigDecimal.valueOf(outputTokens)))
                .divide(MILLION, 12, RoundingMode.UP).stripTrailingZeros();
    }
}
