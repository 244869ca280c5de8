package dev.tollgate.budget;

import dev.tollgate.config.Target;
import dev.tollgate.pricing.CostCalculator;
import dev.tollgate.pricing.ModelPrice;
import dev.tollgate.providers.Usage;
import dev.tollgate.routing.PriceLookup;

import java.util.Optional;

/** Prices from a target's config price, else the bundled price book; costs from the exact cost calculator. */
public final class PriceBookCostModel implements CostModel {

    private final PriceLookup prices;

    public PriceBookCostModel(PriceLookup prices) {
        this.prices = prices;
    }

    @Override
    public Optional<ModelPrice> price(Target target) {
        return prices.price(target);
    }

    @Override
    public long worstCaseNanos(ModelPrice price, long promptTokens, long maxOutputTokens) {
        return CostCalculator.worstCase(price, promptTokens, maxOutputTokens).nanodollars();
    }

    @Override
    public long costNanos(ModelPrice price, Usage usage) {
        return CostCalculator.cost(price, usage).nanodollars();
    }
}
