package dev.tollgate.routing;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Cooldowns in this process only: the local server's store, with the same contract as the shared one. */
public final class InMemoryCooldownStore implements CooldownStore {

    private final ConcurrentHashMap<String, Instant> until = new ConcurrentHashMap<>();

    @Override
    public Optional<Instant> cooledUntil(String targetId, Instant now) {
        Instant end = until.get(targetId);
        return end != null && end.isAfter(now) ? Optional.of(end) : Optional.empty();
    }

    @Override
    public void coolDown(String targetId, Instant end, String reason) {
        until.merge(targetId, end, (old, now) -> now.isAfter(old) ? now : old);
    }
}
