package dev.tollgate.routing;

import dev.tollgate.config.Target;
import dev.tollgate.pricing.ModelPrice;

import java.util.Optional;

/** The price of a target, for cost-aware routing: the target's own config price unless a price book knows better. */
@FunctionalInterface
public interface PriceLookup {

    Optional<ModelPrice> price(Target target);

    PriceLookup CONFIGURED = target -> Optional.ofNullable(target.price());
}
