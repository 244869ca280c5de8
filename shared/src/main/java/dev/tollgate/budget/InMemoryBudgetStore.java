package dev.tollgate.budget;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The budget store of one process (local mode and tests), with the same contract as the DynamoDB one: every
 * operation is atomic under one lock, as a DynamoDB transaction is.
 */
public final class InMemoryBudgetStore implements BudgetStore {

    private final Map<String, BudgetLimit> limits = new HashMap<>();
    /** scope + "|" + window key -> counters. */
    private final Map<String, WindowState> windows = new HashMap<>();
    private final Map<String, Long> rateCounters = new HashMap<>();
    private final Map<String, Reservation> reservations = new LinkedHashMap<>();
    /** The newest entries only: a long-running process must not grow without bound. */
    private final Map<String, LedgerEntry> ledger;
    private final int ledgerEntries;

    /** Entries {@link #ledger(String)} keeps by default: enough for tests and an in-process reconciler. */
    private static final int DEFAULT_LEDGER_ENTRIES = 10_000;

    public InMemoryBudgetStore() {
        this(DEFAULT_LEDGER_ENTRIES);
    }

    /**
     * @param ledgerEntries how many of the newest ledger entries to keep for {@link #ledger(String)}; 0 keeps none
     *                      (budgets and rate limits work the same), for a process in which nothing reads them
     */
    public InMemoryBudgetStore(int ledgerEntries) {
        if (ledgerEntries < 0) {
            throw new IllegalArgumentException("ledgerEntries must be >= 0");
        }
        this.ledgerEntries = ledgerEntries;
        this.ledger = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, LedgerEntry> eldest) {
                return size() > ledgerEntries;
            }
        };
    }

    @Override
    public synchronized Map<String, BudgetLimit> limits(Collection<String> scopes) {
        Map<String, BudgetLimit> found = new HashMap<>();
        scopes.forEach(s -> {
            if (limits.containsKey(s)) {
                found.put(s, limits.get(s));
            }
        });
        return found;
    }

    @Override
    public synchronized void putLimit(BudgetLimit limit) {
        limits.put(limit.scope(), limit);
    }

    @Override
    public synchronized void reserve(Reservation r) throws ReservationRefused {
        for (Reservation.Charge c : r.charges()) {
            WindowState w = windows.getOrDefault(c.scope() + "|" + c.windowKey(), WindowState.EMPTY);
            if (w.committedNanos() + c.amountNanos() > c.limitNanos()) {
                throw new ReservationRefused(c, null);
            }
        }
        for (Reservation.RateCharge rate : r.rates()) {
            if (rateCounters.getOrDefault(rate.item(), 0L) + rate.amount() > rate.limit()) {
                throw new ReservationRefused(null, rate);
            }
        }
        for (Reservation.Charge c : r.charges()) {
            windows.merge(c.scope() + "|" + c.windowKey(), new WindowState(c.amountNanos(), 0, c.amountNanos(), 1),
                    InMemoryBudgetStore::add);
        }
        r.rates().forEach(rate -> rateCounters.merge(rate.item(), rate.amount(), Long::sum));
        reservations.put(r.id(), r);
    }

    @Override
    public synchronized boolean settle(Reservation r, long actualNanos, long actualTokens, long reservedTokens,
                                       LedgerEntry entry) {
        if (reservations.remove(r.id()) == null) {
            return false;
        }
        for (Reservation.Charge c : r.charges()) {
            windows.merge(c.scope() + "|" + c.windowKey(),
                    new WindowState(actualNanos - c.amountNanos(), actualNanos, -c.amountNanos(), 0),
                    InMemoryBudgetStore::add);
        }
        r.rates().stream().filter(rate -> rate.kind().equals("tpm"))
                .forEach(rate -> rateCounters.merge(rate.item(), actualTokens - reservedTokens, Long::sum));
        keep(entry);
        return true;
    }

    @Override
    public synchronized boolean release(Reservation r, LedgerEntry entry) {
        if (reservations.remove(r.id()) == null) {
            return false;
        }
        for (Reservation.Charge c : r.charges()) {
            windows.merge(c.scope() + "|" + c.windowKey(), new WindowState(-c.amountNanos(), 0, -c.amountNanos(), 0),
                    InMemoryBudgetStore::add);
        }
        if (entry != null) {
            keep(entry);
        }
        return true;
    }

    @Override
    public synchronized void record(LedgerEntry entry) {
        keep(entry);
    }

    private void keep(LedgerEntry entry) {
        if (ledgerEntries > 0) {
            ledger.putIfAbsent(entry.requestId(), entry);
        }
    }

    @Override
    public synchronized Map<String, WindowState> windows(Map<String, String> windowKeys) {
        Map<String, WindowState> found = new HashMap<>();
        windowKeys.forEach((scope, key) -> found.put(scope, windows.getOrDefault(scope + "|" + key, WindowState.EMPTY)));
        return found;
    }

    @Override
    public synchronized List<Reservation> expired(Instant now, int max) {
        return reservations.values().stream().filter(r -> r.expiresAt().isBefore(now)).limit(max).toList();
    }

    @Override
    public synchronized List<LedgerEntry> ledger(String day) {
        return new ArrayList<>(ledger.values().stream().filter(e -> e.day().equals(day)).toList());
    }

    private static WindowState add(WindowState a, WindowState b) {
        return new WindowState(a.committedNanos() + b.committedNanos(), a.spentNanos() + b.spentNanos(),
                a.reservedNanos() + b.reservedNanos(), a.requests() + b.requests());
    }
}
