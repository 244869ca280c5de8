package dev.tollgate.reconcile.store;

import java.time.LocalDate;

/**
 * A true-up of one provider's day: its budget window now carries {@code targetNanos} of drift in total, of which
 * {@code appliedNanos} was added by this run ({@code previousNanos} by earlier ones). {@code skipped} says why
 * nothing was applied (no budget on the provider), or is null.
 */
public record Adjustment(String provider, LocalDate day, String scope, String windowKey, long previousNanos,
                         long targetNanos, long appliedNanos, String skipped) {
}
