package dev.tollgate.routing;

import dev.tollgate.log.RequestLog;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A shared cooldown store that cannot be reached never fails a request: this process goes on with what it knows. */
class CachedCooldownStoreTest {

    private final ManualClock clock = new ManualClock();
    private final List<String> logs = new ArrayList<>();

    /** A store whose reads and writes throw, as the DynamoDB one does when DynamoDB is down or throttling. */
    private static final class Unreachable implements CooldownStore {
        int reads;

        @Override
        public Optional<Instant> cooledUntil(String targetId, Instant now) {
            reads++;
            throw new IllegalStateException("Unable to execute HTTP request: Connection refused");
        }

        @Override
        public void coolDown(String targetId, Instant until, String reason) {
            throw new IllegalStateException("Unable to execute HTTP request: Connection refused");
        }
    }

    @Test
    void anUnreachableStoreReadsAsNotCooledAndIsRetriedAfterTheTtl() {
        Unreachable shared = new Unreachable();
        CachedCooldownStore store = new CachedCooldownStore(shared, Duration.ofSeconds(2), clock,
                new RequestLog(logs::add));
        assertEquals(Optional.empty(), store.cooledUntil("t", clock.instant()));
        assertEquals(Optional.empty(), store.cooledUntil("t", clock.instant()));
        assertEquals(1, shared.reads, "a failed read is cached like a good one: no round trip per request");
        clock.advance(Duration.ofSeconds(3));
        store.cooledUntil("t", clock.instant());
        assertEquals(2, shared.reads);
        assertTrue(logs.getFirst().contains("shared cooldowns could not be read"), logs.toString());
    }

    @Test
    void aCooldownThatCannotBeSharedStillHoldsInThisProcess() {
        CachedCooldownStore store = new CachedCooldownStore(new Unreachable(), Duration.ofSeconds(2), clock,
                new RequestLog(logs::add));
        Instant until = clock.instant().plusSeconds(30);
        store.coolDown("t", until, "upstream_overloaded");
        assertEquals(Optional.of(until), store.cooledUntil("t", clock.instant()));
        clock.advance(Duration.ofSeconds(3));
        assertEquals(Optional.of(until), store.cooledUntil("t", clock.instant()),
                "a failed refresh keeps the cooldown this process knows");
    }
}
