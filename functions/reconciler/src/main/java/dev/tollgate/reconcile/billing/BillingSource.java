package dev.tollgate.reconcile.billing;

import java.time.LocalDate;

/**
 * One provider's billing API: what it charged per UTC day (and per model where it says), read with an admin key.
 * Implementations page through the API themselves and never put the key in a message.
 */
public interface BillingSource {

    /** The provider name as the ledger records it ({@code openai}, {@code anthropic}). */
    String provider();

    /** The bill of the days {@code from} to {@code to}, both included. */
    BilledUsage fetch(LocalDate from, LocalDate to) throws BillingException;
}
