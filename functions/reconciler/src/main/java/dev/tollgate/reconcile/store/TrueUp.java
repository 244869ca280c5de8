package dev.tollgate.reconcile.store;

import java.time.Instant;
import java.time.LocalDate;

/**
 * Brings a provider's budget window in line with what the provider billed: adds the day's drift to the window's
 * counters, once. A re-run adds only the difference to what earlier runs added, so the window carries each day's
 * drift exactly once however often the day is reconciled.
 */
public interface TrueUp {

    Adjustment apply(String provider, LocalDate day, long driftNanos, String runId, Instant at);
}
