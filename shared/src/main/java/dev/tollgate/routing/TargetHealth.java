package dev.tollgate.routing;

import dev.tollgate.config.Target;
import dev.tollgate.errors.ProviderError;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decides when a target cools down: at once on a rate limit or overload (for the provider's hint, else the route's
 * cooldown), or after a run of consecutive failures. Consecutive-failure counts are per process; the cooldown
 * itself is shared through the store.
 */
public final class TargetHealth {

    private final CooldownStore cooldowns;
    private final LatencyTracker latency;
    private final Clock clock;
    private final ConcurrentHashMap<String, AtomicInteger> consecutiveFailures = new ConcurrentHashMap<>();

    public TargetHealth(CooldownStore cooldowns, LatencyTracker latency, Clock clock) {
        this.cooldowns = cooldowns;
        this.latency = latency;
        this.clock = clock;
    }

    public Optional<Instant> cooledUntil(Target target) {
        return cooldowns.cooledUntil(target.id(), clock.instant());
    }

    public void succeeded(Target target, Duration took) {
        consecutiveFailures.remove(target.id());
        latency.record(target.id(), took);
    }

    public void recordLatency(Target target, Duration timeToFirstToken) {
        latency.record(target.id(), timeToFirstToken);
    }

    /** Records a failed attempt; a run of them cools the target down (a zero cooldown turns cooldowns off). */
    public void failed(Target target, ProviderError error, AttemptPolicy policy) {
        if (policy.cooldown().isZero()) {
            return;
        }
        int failures = consecutiveFailures.computeIfAbsent(target.id(), k -> new AtomicInteger()).incrementAndGet();
        if (failures >= policy.failuresToCooldown()) {
            coolDown(target, error, policy);
        }
    }

    /** Cools the target down now: for the provider's hint when it gave one, else for the route's cooldown. */
    public void coolDown(Target target, ProviderError error, AttemptPolicy policy) {
        if (policy.cooldown().isZero()) {
            return;
        }
        Duration period = error.retryAfter().filter(d -> !d.isZero()).orElse(policy.cooldown());
        consecutiveFailures.remove(target.id());
        cooldowns.coolDown(target.id(), clock.instant().plus(period), error.code());
    }
}
