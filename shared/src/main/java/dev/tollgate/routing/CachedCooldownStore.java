package dev.tollgate.routing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads of a shared cooldown store cached for a short time, so that a warm function does not pay a DynamoDB round
 * trip per target per request. Writes go through at once and update the cache. When the shared store cannot be
 * reached, cooldowns degrade to this process's own knowledge instead of failing requests.
 */
public final class CachedCooldownStore implements CooldownStore {

    private record Entry(Optional<Instant> until, Instant readAt) {
    }

    private final CooldownStore shared;
    private final Duration ttl;
    private final Clock clock;
    private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();

    public CachedCooldownStore(CooldownStore shared, Duration ttl, Clock clock) {
        this.shared = shared;
        this.ttl = ttl;
        this.clock = clock;
    }

    @Override
    public Optional<Instant> cooledUntil(String targetId, Instant now) {
        Entry entry = cache.get(targetId);
        Instant readTime = clock.instant();
        if (entry == null || !readTime.isBefore(entry.readAt().plus(ttl))) {
            Optional<Instant> until;
            try {
                until = shared.cooledUntil(targetId, now);
            } catch (RuntimeException unreachable) {
                // Cooldowns are advice: while the shared store is down, route on what this process last knew (if
                // nothing, that the target is not cooling) rather than fail the request; ask again after the TTL.
                until = entry == null ? Optional.empty() : entry.until();
            }
            entry = new Entry(until, readTime);
            cache.put(targetId, entry);
        }
        return entry.until().filter(until -> until.isAfter(now));
    }

    @Override
    public void coolDown(String targetId, Instant until, String reason) {
        cache.merge(targetId, new Entry(Optional.of(until), clock.instant()), (old, now) ->
                old.until().isPresent() && old.until().get().isAfter(until) ? old : now);
        try {
            shared.coolDown(targetId, until, reason);
        } catch (RuntimeException unreachable) {
            // The other instances will learn of this target's trouble themselves; this one already skips it.
        }
    }
}
