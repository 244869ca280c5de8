package dev.tollgate.budget;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Budget limit items, cached (absent ones too) so that a warm function reads them once per TTL, not per request.
 * A budget a user writes takes effect within the TTL. While the store cannot be read, the last limits read stay in
 * use, for another TTL at a time.
 */
final class LimitCache {

    private record Entry(Optional<BudgetLimit> limit, Instant readAt) {
    }

    private final BudgetStore store;
    private final Duration ttl;
    private final Clock clock;
    private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();

    LimitCache(BudgetStore store, Duration ttl, Clock clock) {
        this.store = store;
        this.ttl = ttl;
        this.clock = clock;
    }

    Map<String, BudgetLimit> limits(Collection<String> scopes) {
        Instant now = clock.instant();
        List<String> stale = new ArrayList<>();
        Map<String, BudgetLimit> found = new HashMap<>();
        for (String scope : scopes) {
            Entry entry = cache.get(scope);
            if (entry == null || !now.isBefore(entry.readAt().plus(ttl))) {
                stale.add(scope);
            } else {
                entry.limit().ifPresent(l -> found.put(scope, l));
            }
        }
        if (!stale.isEmpty()) {
            Map<String, BudgetLimit> read;
            try {
                read = store.limits(stale);
            } catch (RuntimeException unreachable) {
                // Decide on the limits last read, so that each budget's own fail mode governs when the reservation
                // fails too; a scope never read cannot be judged, and the gateway-wide fail mode decides. They count
                // as read now, so that an outage costs one failed read per TTL, not one per request.
                for (String scope : stale) {
                    if (cache.get(scope) == null) {
                        throw unreachable;
                    }
                }
                for (String scope : stale) {
                    Entry last = cache.get(scope);
                    cache.put(scope, new Entry(last.limit(), now));
                    last.limit().ifPresent(l -> found.put(scope, l));
                }
                return found;
            }
            for (String scope : stale) {
                BudgetLimit limit = read.get(scope);
                cache.put(scope, new Entry(Optional.ofNullable(limit), now));
                if (limit != null) {
                    found.put(scope, limit);
                }
            }
        }
        return found;
    }

    /** Limits already known, without reading the store (for the soft-limit switch). */
    Map<String, BudgetLimit> cached(Collection<String> scopes) {
        Map<String, BudgetLimit> found = new HashMap<>();
        scopes.forEach(s -> {
            Entry e = cache.get(s);
            if (e != null) {
                e.limit().ifPresent(l -> found.put(s, l));
            }
        });
        return found;
    }
}
