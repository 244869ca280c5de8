package dev.tollgate.routing;

import dev.tollgate.log.RequestLog;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads of a shared cooldown store cached for a short time, so that a warm function does not pay a DynamoDB round
 * trip per target per request. Writes go through at once and update the cache. Cooldowns only steer routing: when
 * the shared store cannot be reached (DynamoDB down or throttling), this process goes on with what it knows itself
 * instead of failing the request, and tries the store again after the TTL.
 */
public final class CachedCooldownStore implements CooldownStore {

    private record Entry(Optional<Instant> until, Instant readAt) {
    }

    private final CooldownStore shared;
    private final Duration ttl;
    private final Clock clock;
    private final RequestLog log;
    private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();

    public CachedCooldownStore(CooldownStore shared, Duration ttl, Clock clock) {
        this(shared, ttl, clock, new RequestLog(line -> { }));
    }

    public CachedCooldownStore(CooldownStore shared, Duration ttl, Clock clock, RequestLog log) {
        this.shared = shared;
        this.ttl = ttl;
        this.clock = clock;
        this.log = log;
    }

    @Override
    public Optional<Instant> cooledUntil(String targetId, Instant now) {
        Entry entry = cache.get(targetId);
        Instant readTime = clock.instant();
        if (entry == null || !readTime.isBefore(entry.readAt().plus(ttl))) {
            Optional<Instant> until;
            try {
                until = shared.cooledUntil(targetId, now);
            } catch (RuntimeException e) {
                log.error("shared cooldowns could not be read; using this process's own", e);
                until = entry == null ? Optional.empty() : entry.until();
            }
            entry = new Entry(until, readTime);
            cache.put(targetId, entry);
        }
        return entry.until().filter(until -> until.isAfter(now));
    }

    @Override
    public void coolDown(String targetId, Instant until, String reason) {
        try {
            shared.coolDown(targetId, until, reason);
        } catch (RuntimeException e) {
            log.error("a cooldown could not be shared; it holds in this process only", e);
        }
        cache.merge(targetId, new Entry(Optional.of(until), clock.instant()), (old, now) ->
                old.until().isPresent() && old.until().get().isAfter(until) ? old : now);
    }
}
