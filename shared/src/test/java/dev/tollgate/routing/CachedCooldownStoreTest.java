package dev.tollgate.routing;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Cooldowns are advice: an unreachable shared store degrades them to this process's knowledge, never fails a request. */
class CachedCooldownStoreTest {

    private final ManualClock clock = new ManualClock();
    private final InMemoryCooldownStore memory = new InMemoryCooldownStore();
    private boolean down;
    private final CooldownStore shared = new CooldownStore() {
        @Override
        public Optional<Instant> cooledUntil(String targetId, Instant now) {
            if (down) {
                throw new IllegalStateException("DynamoDB unreachable");
            }
            return memory.cooledUntil(targetId, now);
        }

        @Override
        public void coolDown(String targetId, Instant until, String reason) {
            if (down) {
                throw new IllegalStateException("DynamoDB unreachable");
            }
            memory.coolDown(targetId, until, reason);
        }
    };
    private final CachedCooldownStore cached = new CachedCooldownStore(shared, Duration.ofSeconds(2), clock);

    @Test
    void whileTheSharedStoreIsDownReadsKeepTheLastKnownCooldown() {
        Instant until = clock.now.plusSeconds(30);
        memory.coolDown("a", until, "overloaded");
        assertEquals(Optional.of(until), cached.cooledUntil("a", clock.now));
        down = true;
        clock.advance(Duration.ofSeconds(5));
        assertEquals(Optional.of(until), cached.cooledUntil("a", clock.now), "still cooling, as last read");
        assertEquals(Optional.empty(), cached.cooledUntil("never-read", clock.now), "unknown: not cooling");
    }

    @Test
    void whileTheSharedStoreIsDownACooldownStillHoldsInThisProcess() {
        down = true;
        Instant until = clock.now.plusSeconds(30);
        cached.coolDown("b", until, "rate_limited");
        clock.advance(Duration.ofSeconds(5));
        assertEquals(Optional.of(until), cached.cooledUntil("b", clock.now));
        down = false;
        clock.advance(Duration.ofSeconds(5));
        assertEquals(Optional.empty(), cached.cooledUntil("b", clock.now),
                "once the store answers, it is the truth again (the write was lost with the outage)");
    }
}
