package dev.tollgate.reconcile.billing;

import dev.tollgate.reconcile.TokenCounts;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Map;
import java.util.Objects;

/**
 * One UTC day of a provider's bill: cost by canonical model name, and the billed cost that names no model
 * ({@code unattributedUsd}: tools, storage, ...). Present only when the provider returned a bucket for the day.
 */
public record BilledDay(LocalDate day, Map<String, BilledLine> models, BigDecimal unattributedUsd) {

    public BilledDay {
        models = Map.copyOf(models);
    }

    public BigDecimal totalUsd() {
        return models.values().stream().map(BilledLine::costUsd).reduce(unattributedUsd, BigDecimal::add);
    }

    /** Billed tokens of the day, or null when the source reported none for any model. */
    public TokenCounts tokens() {
        return models.values().stream().map(BilledLine::tokens).filter(Objects::nonNull)
                .reduce(TokenCounts::plus).orElse(null);
    }
}
