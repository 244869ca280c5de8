package dev.tollgate.budget;

import dev.tollgate.config.Target;
import dev.tollgate.pricing.ModelPrice;
import dev.tollgate.providers.Usage;

import java.util.Optional;

/** Prices targets and turns token counts into exact nanodollars. */
public interface CostModel {

    Optional<ModelPrice> price(Target target);

    /** The most an attempt can cost: every estimated prompt token plus the output limit, at full price. */
    long worstCaseNanos(ModelPrice price, long promptTokens, long maxOutputTokens);

    /** What a completion cost, cached reads and cache writes at their own prices. */
    long costNanos(ModelPrice price, Usage usage);
}
