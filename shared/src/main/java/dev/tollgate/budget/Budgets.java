package dev.tollgate.budget;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.GatewayKey;
import dev.tollgate.log.RequestLog;
import dev.tollgate.routing.RequestFacts;
import dev.tollgate.routing.RouteSwitch;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Money and access for every request of a process: starts a {@link Metering} per request, keeps recent window
 * counters for the soft-limit switch and the remaining-budget header ({@link WindowCounters}, read off the request
 * path), and releases reservations of invocations that died. Also the {@link RouteSwitch} that sends a request to a
 * cheaper route past a soft limit.
 */
public final class Budgets implements RouteSwitch {

    /** How long a reservation may stay unsettled before the janitor gives it back. */
    static final Duration RESERVATION_LIFETIME = Duration.ofMinutes(16);
    private static final Duration JANITOR_EVERY = Duration.ofMinutes(1);
    private static final BigInteger HUNDRED = BigInteger.valueOf(100);

    private final BudgetStore store;
    private final CostModel costs;
    private final LimitCache limits;
    private final Clock clock;
    private final RequestLog log;
    private final boolean failOpenByDefault;
    private final WindowCounters windows;
    private final AtomicReference<Instant> lastJanitor = new AtomicReference<>(Instant.EPOCH);

    public Budgets(BudgetStore store, CostModel costs, Clock clock, RequestLog log, boolean failOpenByDefault) {
        this(store, costs, clock, log, failOpenByDefault, WindowCounters.virtualThreads());
    }

    /** With the executor that runs window reads (tests pass one they drive). */
    Budgets(BudgetStore store, CostModel costs, Clock clock, RequestLog log, boolean failOpenByDefault,
            Executor windowReads) {
        this.store = store;
        this.costs = costs;
        this.limits = new LimitCache(store, Duration.ofSeconds(30), clock);
        this.clock = clock;
        this.log = log;
        this.failOpenByDefault = failOpenByDefault;
        this.windows = new WindowCounters(store, clock, log, windowReads);
    }

    public BudgetStore store() {
        return store;
    }

    /** The metering of one request: its scopes and estimates; holds and settles as the attempt loop goes. */
    public Metering start(String requestId, GatewayKey key, String feature, String route, RequestFacts facts) {
        maybeReleaseExpired();
        return new Metering(this, requestId, key, feature, route, facts);
    }

    @Override
    public Optional<String> switchTo(String route, RequestFacts facts, String keyId) {
        List<String> scopes = Scopes.forRequest(keyId, facts.team(), facts.header("x-tollgate-feature"), List.of());
        for (BudgetLimit limit : limits.cached(scopes).values()) {
            String cheaper = limit.softRoute();
            Long committed = windows.committed(limit.scope(), limit.period().windowKey(clock.instant()));
            if (cheaper != null && !cheaper.equals(route) && committed != null && committed >= limit.softNanos()) {
                return Optional.of(cheaper);
            }
        }
        return Optional.empty();
    }

    CostModel costs() {
        return costs;
    }

    LimitCache limits() {
        return limits;
    }

    Clock clock() {
        return clock;
    }

    RequestLog log() {
        return log;
    }

    boolean failOpenByDefault() {
        return failOpenByDefault;
    }

    /**
     * The tightest of these budgets after this request: remaining nanodollars as this process sees them (the last
     * store read plus this process's spend since, so approximate under concurrency), and a soft-limit alert when this
     * request crosses one. Then asks for a background read of the windows that are due; never waits for one.
     */
    Optional<Map.Entry<String, Long>> tightest(Map<String, BudgetLimit> applied, long justSpent) {
        Instant now = clock.instant();
        Map<String, String> keys = new HashMap<>();
        applied.values().forEach(l -> keys.put(l.scope(), l.period().windowKey(now)));
        Map.Entry<String, Long> tightest = null;
        for (BudgetLimit limit : applied.values()) {
            long committed = windows.addOwn(limit.scope(), keys.get(limit.scope()), justSpent);
            long remaining = Math.max(0, limit.limitNanos() - committed);
            if (tightest == null || remaining < tightest.getValue()) {
                tightest = Map.entry(limit.scope(), remaining);
            }
            if (limit.softPct() > 0 && committed >= limit.softNanos() && committed - justSpent < limit.softNanos()) {
                ObjectNode alert = log.event("WARN", "budget soft limit crossed");
                alert.put("scope", limit.scope());
                alert.put("limit_usd", Money.format(limit.limitNanos()));
                alert.put("committed_usd", Money.format(committed));
                alert.put("on_soft", limit.onSoft());
                log.write(alert);
            }
        }
        windows.refreshSoon(keys);
        return Optional.ofNullable(tightest);
    }

    /**
     * The highest use of these budgets, in whole percent of each limit (rounded down), as this process sees them:
     * after {@link #tightest}, so it includes the request just settled. Empty when no budget has a positive limit.
     */
    OptionalLong highestUsedPct(Map<String, BudgetLimit> applied) {
        Instant now = clock.instant();
        OptionalLong highest = OptionalLong.empty();
        for (BudgetLimit limit : applied.values()) {
            if (limit.limitNanos() <= 0) {
                continue;
            }
            Long seen = windows.committed(limit.scope(), limit.period().windowKey(now));
            long committed = seen == null ? 0L : seen;
            // Integer arithmetic in BigInteger: committed * 100 may not fit a long for very large budgets.
            long pct = BigInteger.valueOf(committed).multiply(HUNDRED).divide(BigInteger.valueOf(limit.limitNanos()))
                    .longValue();
            if (highest.isEmpty() || pct > highest.getAsLong()) {
                highest = OptionalLong.of(pct);
            }
        }
        return highest;
    }

    /** Gives back holds of invocations that died, at most once a minute per process, off the request path. */
    private void maybeReleaseExpired() {
        Instant now = clock.instant();
        Instant last = lastJanitor.get();
        if (now.isBefore(last.plus(JANITOR_EVERY)) || !lastJanitor.compareAndSet(last, now)) {
            return;
        }
        Thread.ofVirtual().name("tollgate-budget-janitor").start(() -> {
            try {
                releaseExpired(now);
            } catch (RuntimeException e) {
                log.error("expired reservations could not be released", e);
            }
        });
    }

    /**
     * Releases expired reservations, at most 100 per call; returns how many. Also run by the admin tool, which must
     * tell "none were stale" from "the store could not be read": store failures are thrown, not swallowed.
     */
    public int releaseExpired(Instant now) {
        int released = 0;
        for (Reservation r : store.expired(now, 100)) {
            if (store.release(r, null)) {
                released++;
            }
        }
        if (released > 0) {
            ObjectNode event = log.event("WARN", "expired budget reservations released");
            event.put("count", released);
            log.write(event);
        }
        return released;
    }
}
