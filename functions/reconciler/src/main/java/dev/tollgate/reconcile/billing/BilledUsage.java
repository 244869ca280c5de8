package dev.tollgate.reconcile.billing;

import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;

/** A provider's bill over a range of days; a day without an entry is one the provider returned no data for. */
public record BilledUsage(String provider, Map<LocalDate, BilledDay> days) {

    public BilledUsage {
        days = Map.copyOf(days);
    }

    public Optional<BilledDay> day(LocalDate day) {
        return Optional.ofNullable(days.get(day));
    }
}
