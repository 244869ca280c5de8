package dev.tollgate.budget;

import dev.tollgate.log.RequestLog;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This process's view of the budget windows' committed nanodollars, for the remaining-budget header, the soft-limit
 * alert and the route switch. Never for hard limits: those are enforced by the store's conditional reservation
 * ({@link BudgetStore#reserve}), whatever this view says.
 *
 * <p>Two sources feed it. This process's own settled spend is added at once ({@link #addOwn}), so the request that
 * spends sees itself. The store's counters (other processes' spend, releases) are read in the background
 * ({@link #refreshSoon}), at most every {@link #REFRESH_EVERY} per window and one read at a time per window: a
 * request thread never waits for a read, and a read that fails is logged and retried later.
 *
 * <p>A read can only make the view fresher. Reads are numbered when they begin; one that began before the read last
 * applied is dropped, so a read held up for minutes (a Lambda environment frozen between invocations) cannot roll
 * the view back. The own spend settled after a read began is added back onto its answer: it may already be in the
 * answer, and is then counted twice until the next read, which errs toward less budget shown, never more. A read
 * still in flight after {@link #STUCK_AFTER} no longer holds the window's turn, so a frozen one cannot stop
 * refreshes either.
 */
final class WindowCounters {

    static final Duration REFRESH_EVERY = Duration.ofSeconds(5);
    static final Duration STUCK_AFTER = Duration.ofSeconds(30);

    /** The committed amount last seen, the number of the read it came from, and this process's spend so far. */
    private record Seen(long committed, long readNumber, long ownTotal) {
    }

    /** When the window's last read was claimed, and whether it is still running. */
    private record Turn(Instant claimedAt, boolean running) {
    }

    private final BudgetStore store;
    private final Clock clock;
    private final RequestLog log;
    private final Executor background;
    private final ConcurrentHashMap<String, Seen> seen = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Turn> turns = new ConcurrentHashMap<>();
    private final AtomicLong reads = new AtomicLong();

    WindowCounters(BudgetStore store, Clock clock, RequestLog log, Executor background) {
        this.store = store;
        this.clock = clock;
        this.log = log;
        this.background = background;
    }

    /** One virtual (daemon) thread per read; reads are rare (every few seconds per window) and coalesced. */
    static Executor virtualThreads() {
        return task -> Thread.ofVirtual().name("tollgate-budget-windows").start(task);
    }

    private static String item(String scope, String windowKey) {
        return scope + "|" + windowKey;
    }

    /** The committed amount last seen for a window, or null when this process has seen nothing of it yet. */
    Long committed(String scope, String windowKey) {
        Seen s = seen.get(item(scope, windowKey));
        return s == null ? null : s.committed();
    }

    /** Adds this process's settled spend to a window; returns the committed amount now seen. */
    long addOwn(String scope, String windowKey, long nanos) {
        return seen.merge(item(scope, windowKey), new Seen(nanos, 0, nanos),
                (old, add) -> new Seen(old.committed() + nanos, old.readNumber(), old.ownTotal() + nanos)).committed();
    }

    /**
     * Reads the windows that are due ({@code scope -> window key}) in the background. Never waits and never throws:
     * windows whose turn is taken or not yet come are left out, and nothing is read when none is due.
     */
    void refreshSoon(Map<String, String> windowKeys) {
        Instant now = clock.instant();
        Map<String, String> due = new HashMap<>();
        windowKeys.forEach((scope, key) -> {
            if (claim(item(scope, key), now)) {
                due.put(scope, key);
            }
        });
        if (due.isEmpty()) {
            return;
        }
        try {
            background.execute(() -> read(due, now));
        } catch (RuntimeException e) {
            due.forEach((scope, key) -> finish(item(scope, key), now));
            log.error("budget windows could not be read", e);
        }
    }

    private boolean claim(String item, Instant now) {
        boolean[] claimed = {false};
        turns.compute(item, (k, turn) -> {
            boolean free = turn == null
                    || (!turn.running() && !now.isBefore(turn.claimedAt().plus(REFRESH_EVERY)))
                    || (turn.running() && !now.isBefore(turn.claimedAt().plus(STUCK_AFTER)));
            claimed[0] = free;
            return free ? new Turn(now, true) : turn;
        });
        return claimed[0];
    }

    private void finish(String item, Instant claimedAt) {
        turns.computeIfPresent(item, (k, turn) -> turn.claimedAt().equals(claimedAt) && turn.running()
                ? new Turn(claimedAt, false) : turn);
    }

    private void read(Map<String, String> due, Instant claimedAt) {
        long number = reads.incrementAndGet();
        Map<String, Long> ownAtStart = new HashMap<>();
        due.forEach((scope, key) -> {
            Seen s = seen.get(item(scope, key));
            ownAtStart.put(scope, s == null ? 0 : s.ownTotal());
        });
        try {
            store.windows(due).forEach((scope, state) -> {
                String key = due.get(scope);
                if (key != null) {
                    apply(item(scope, key), number, ownAtStart.get(scope), state.committedNanos());
                }
            });
        } catch (RuntimeException e) {
            log.error("budget windows could not be read", e);
        } finally {
            due.forEach((scope, key) -> finish(item(scope, key), claimedAt));
        }
    }

    private void apply(String item, long number, long ownAtStart, long committed) {
        seen.compute(item, (k, old) -> {
            if (old == null) {
                return new Seen(committed, number, 0);
            }
            if (old.readNumber() >= number) {
                return old; // a later read is already applied
            }
            return new Seen(committed + (old.ownTotal() - ownAtStart), number, old.ownTotal());
        });
    }
}
