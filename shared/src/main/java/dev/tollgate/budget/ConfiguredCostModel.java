package dev.tollgate.budget;

import dev.tollgate.config.Target;
import dev.tollgate.pricing.ModelPrice;
import dev.tollgate.providers.Usage;

import java.math.BigDecimal;
import java.util.Optional;

/** Costs from the prices given in config ({@code price:} on a target). */
public final class ConfiguredCostModel implements CostModel {

    @Override
    public Optional<ModelPrice> price(Target target) {
        return Optional.ofNullable(target.price());
    }

    @Override
    public long worstCaseNanos(ModelPrice price, long promptTokens, long maxOutputTokens) {
        return nanos(price.inputPerMtok().multiply(BigDecimal.valueOf(promptTokens))
                .add(price.outputPerMtok().multiply(BigDecimal.valueOf(maxOutputTokens))));
    }

    @Override
    public long costNanos(ModelPrice price, Usage usage) {
        long uncached = Math.max(0, usage.promptTokens() - usage.cachedTokens() - usage.cacheWriteTokens());
        return nanos(price.inputPerMtok().multiply(BigDecimal.valueOf(uncached))
                .add(price.cacheReadPerMtok().multiply(BigDecimal.valueOf(usage.cachedTokens())))
                .add(price.cacheWritePerMtok().multiply(BigDecimal.valueOf(usage.cacheWriteTokens())))
                .add(price.outputPerMtok().multiply(BigDecimal.valueOf(usage.completionTokens()))));
    }

    /** Sum of (USD per million tokens x tokens), as nanodollars rounded up. */
    private static long nanos(BigDecimal perMillionTimesTokens) {
        return Money.nanos(perMillionTimesTokens.movePointLeft(6));
    }
}
