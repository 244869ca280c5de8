package dev.tollgate.budget;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Budgets, their window counters, rate-limit counters and the usage ledger. One round trip before a provider call
 * ({@link #reserve}) and one after ({@link #settle} or {@link #release}); limits are read rarely and cached.
 * Implemented on DynamoDB and in memory, with the same contract.
 */
public interface BudgetStore {

    /** The limit items of these scopes; a scope without one has no budget. */
    Map<String, BudgetLimit> limits(Collection<String> scopes);

    /** Holds the reservation on every window and counter at once, or on none. */
    void reserve(Reservation reservation) throws ReservationRefused;

    /**
     * Turns the hold into the actual charge, adjusts token counters, removes the reservation record and writes the
     * ledger entry, all at once. Idempotent: false when this reservation was already settled or released.
     */
    boolean settle(Reservation reservation, long actualNanos, long actualTokens, long reservedTokens, LedgerEntry entry);

    /** Gives the hold back (the attempt failed, or the reservation expired), writing {@code entry} if not null. */
    boolean release(Reservation reservation, LedgerEntry entry);

    /** Writes a ledger entry for a request that held nothing. Idempotent. */
    void record(LedgerEntry entry);

    /** Window counters by scope, for the windows named ({@code scope -> window key}). */
    Map<String, WindowState> windows(Map<String, String> windowKeys);

    /** Reservations past their expiry that were never settled (a crashed invocation's). */
    List<Reservation> expired(Instant now, int max);

    /** Creates or replaces a budget (admin). */
    void putLimit(BudgetLimit limit);

    /** Ledger entries of one UTC day (admin reports, reconciliation). */
    List<LedgerEntry> ledger(String day);
}
