package dev.tollgate.budget;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-memory store's ledger: bounded, and optional without changing what budgets count. */
class InMemoryBudgetStoreTest {

    private static final Instant AT = Instant.parse("2026-11-25T10:00:00Z");
    private static final String DAY = "2026-11-25";

    private static LedgerEntry entry(String requestId, long costNanos) {
        return new LedgerEntry(requestId, AT, "k1", null, null, "chat", "openai", "gpt-4o-mini", 10, 5, 0, 0,
                costNanos, false, 12, "ok", 200, 1);
    }

    private static Reservation hold(String id, long nanos) {
        return new Reservation(id, "req-" + id, List.of(new Reservation.Charge("global", DAY, 1_000, nanos,
                AT.plusSeconds(86_400))), List.of(), nanos, AT.plusSeconds(300));
    }

    @Test
    void keepsOnlyTheNewestEntriesUpToItsCapacity() {
        InMemoryBudgetStore store = new InMemoryBudgetStore(3);
        for (int i = 1; i <= 5; i++) {
            store.record(entry("r" + i, i));
        }
        assertEquals(List.of("r3", "r4", "r5"), store.ledger(DAY).stream().map(LedgerEntry::requestId).toList());
    }

    @Test
    void recordingTheSameRequestTwiceKeepsTheFirstEntry() {
        InMemoryBudgetStore store = new InMemoryBudgetStore();
        store.record(entry("r1", 7));
        store.record(entry("r1", 9));
        assertEquals(List.of(7L), store.ledger(DAY).stream().map(LedgerEntry::costNanos).toList());
    }

    @Test
    void aStoreWithoutLedgerStillCountsHoldsAndSpend() throws Exception {
        InMemoryBudgetStore store = new InMemoryBudgetStore(0);
        store.reserve(hold("a", 600));
        assertThrows(ReservationRefused.class, () -> store.reserve(hold("b", 600)));
        assertTrue(store.settle(hold("a", 600), 250, 15, 64, entry("req-a", 250)));
        store.record(entry("r2", 3));

        WindowState window = store.windows(java.util.Map.of("global", DAY)).get("global");
        assertEquals(250, window.spentNanos());
        assertEquals(250, window.committedNanos());
        assertTrue(store.ledger(DAY).isEmpty(), "no entries are kept");
        store.reserve(hold("c", 600));
    }

    @Test
    void refusesANegativeCapacity() {
        assertThrows(IllegalArgumentException.class, () -> new InMemoryBudgetStore(-1));
    }
}
