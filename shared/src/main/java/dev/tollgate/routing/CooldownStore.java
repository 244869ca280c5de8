package dev.tollgate.routing;

import java.time.Instant;
import java.util.Optional;

/**
 * Where targets that keep failing are marked as cooling down, so that every gateway instance skips them. Shared
 * through DynamoDB in the cloud; in memory locally. Re-arming extends a cooldown, never shortens it.
 */
public interface CooldownStore {

    /** The end of the target's cooldown if it is cooling down now. */
    Optional<Instant> cooledUntil(String targetId, Instant now);

    /** Cools the target until {@code until}, unless it is already cooled for longer. */
    void coolDown(String targetId, Instant until, String reason);
}
