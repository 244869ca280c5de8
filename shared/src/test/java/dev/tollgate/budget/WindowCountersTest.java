package dev.tollgate.budget;

import dev.tollgate.testing.SettableClock;

import dev.tollgate.log.RequestLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The window counters behind the remaining-budget header and the soft limit: read off the request path. */
@Timeout(10)
class WindowCountersTest {


    /** A store whose only working call is windows(), answered by whatever the test sets. */
    private static final class WindowsOnly implements BudgetStore {
        final AtomicInteger reads = new AtomicInteger();
        volatile Supplier<Long> committed = () -> 0L;

        @Override
        public Map<String, WindowState> windows(Map<String, String> windowKeys) {
            reads.incrementAndGet();
            return Map.of("global", new WindowState(committed.get(), 0, 0, 1));
        }

        @Override
        public Map<String, BudgetLimit> limits(Collection<String> scopes) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void reserve(Reservation reservation) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean settle(Reservation r, long actualNanos, long actualTokens, long reservedTokens, LedgerEntry e) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean release(Reservation reservation, LedgerEntry entry) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void record(LedgerEntry entry) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Reservation> expired(Instant now, int max) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void putLimit(BudgetLimit limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<LedgerEntry> ledger(String day) {
            throw new UnsupportedOperationException();
        }
    }

    private static final Map<String, String> GLOBAL_TODAY = Map.of("global", "2026-11-25");

    private final SettableClock clock = new SettableClock("2026-11-25T10:00:00Z");
    private final WindowsOnly store = new WindowsOnly();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final Deque<Runnable> queued = new ArrayDeque<>();

    private WindowCounters counters(Executor executor) {
        return new WindowCounters(store, clock, new RequestLog(log::add), executor);
    }

    private Long committed(WindowCounters counters) {
        return counters.committed("global", "2026-11-25");
    }

    @Test
    void ownSpendIsSeenAtOnceAndTheStoreIsReadOnlyInTheBackground() {
        WindowCounters counters = counters(queued::add);
        store.committed = () -> 900L;
        assertNull(committed(counters));

        assertEquals(100, counters.addOwn("global", "2026-11-25", 100));
        counters.refreshSoon(GLOBAL_TODAY);

        assertEquals(0, store.reads.get(), "the caller's thread did not read the store");
        assertEquals(1, queued.size());
        queued.poll().run();
        assertEquals(1, store.reads.get());
        assertEquals(900, committed(counters), "the store's count replaces the local one");
    }

    @Test
    void readsOfAWindowAreCoalescedAndSpacedByTheRefreshInterval() {
        WindowCounters counters = counters(queued::add);
        counters.refreshSoon(GLOBAL_TODAY);
        counters.refreshSoon(GLOBAL_TODAY);
        assertEquals(1, queued.size(), "one read in flight per window");
        queued.poll().run();

        counters.refreshSoon(GLOBAL_TODAY);
        assertTrue(queued.isEmpty(), "not due again before the interval");
        clock.now = clock.now.plus(WindowCounters.REFRESH_EVERY);
        counters.refreshSoon(GLOBAL_TODAY);
        assertEquals(1, queued.size());
    }

    @Test
    void ownSpendSettledWhileAReadIsInFlightIsAddedOntoItsAnswer() {
        WindowCounters counters = counters(queued::add);
        counters.addOwn("global", "2026-11-25", 100);
        counters.refreshSoon(GLOBAL_TODAY);
        store.committed = () -> {
            counters.addOwn("global", "2026-11-25", 40); // settles while the store is being read
            return 500L;
        };
        queued.poll().run();
        assertEquals(540, committed(counters), "the 40 may be missing from the read: it is kept");
    }

    @Test
    void aReadHeldUpPastANewerOneCannotRollTheViewBack() throws InterruptedException {
        CountDownLatch frozenReadStarted = new CountDownLatch(1);
        CountDownLatch thaw = new CountDownLatch(1);
        AtomicInteger call = new AtomicInteger();
        store.committed = () -> {
            if (call.incrementAndGet() == 1) {
                frozenReadStarted.countDown();
                await(thaw); // a Lambda environment frozen mid-read
                return 100L; // what the store held when this read was sent
            }
            return 700L;
        };
        AtomicInteger finished = new AtomicInteger();
        WindowCounters counters = counters(task -> Thread.ofVirtual().start(() -> {
            task.run();
            finished.incrementAndGet();
        }));

        counters.refreshSoon(GLOBAL_TODAY);
        assertTrue(frozenReadStarted.await(5, TimeUnit.SECONDS));
        counters.refreshSoon(GLOBAL_TODAY);
        assertEquals(1, call.get(), "the stuck read still holds the window's turn");

        clock.now = clock.now.plus(WindowCounters.STUCK_AFTER);
        counters.refreshSoon(GLOBAL_TODAY); // returns at once although a read is stuck
        waitFor(() -> finished.get() == 1);
        assertEquals(700, committed(counters));

        thaw.countDown();
        waitFor(() -> finished.get() == 2);
        assertEquals(700, committed(counters), "the older read's answer is dropped");
        assertTrue(log.isEmpty(), log.toString());
    }

    @Test
    void aFailedReadIsLoggedAndTriedAgainAfterTheInterval() {
        WindowCounters counters = counters(queued::add);
        store.committed = () -> {
            throw new IllegalStateException("store unreachable");
        };
        counters.addOwn("global", "2026-11-25", 100);
        counters.refreshSoon(GLOBAL_TODAY);
        queued.poll().run();
        assertTrue(log.getLast().contains("budget windows could not be read"), log.toString());
        assertEquals(100, committed(counters), "the view keeps what it had");

        counters.refreshSoon(GLOBAL_TODAY);
        assertTrue(queued.isEmpty());
        clock.now = clock.now.plus(WindowCounters.REFRESH_EVERY);
        counters.refreshSoon(GLOBAL_TODAY);
        assertEquals(1, queued.size(), "the failed read gave its turn back");
    }

    @Test
    void anExecutorThatRefusesWorkIsLoggedNotThrownAndTheTurnIsFree() {
        AtomicInteger offered = new AtomicInteger();
        WindowCounters counters = counters(task -> {
            offered.incrementAndGet();
            throw new RejectedExecutionException("shut down");
        });
        counters.refreshSoon(GLOBAL_TODAY);
        assertTrue(log.getLast().contains("budget windows could not be read"), log.toString());
        clock.now = clock.now.plus(WindowCounters.REFRESH_EVERY);
        counters.refreshSoon(GLOBAL_TODAY);
        assertEquals(2, offered.get());
    }

    @Test
    void budgetsAnswerTheHeaderAndTheSoftAlertFromTheViewAndReadTheStoreOnlyInTheBackground() {
        Budgets budgets = new Budgets(store, null, clock, new RequestLog(log::add), false, queued::add);
        Map<String, BudgetLimit> applied = Map.of("global",
                new BudgetLimit("global", 1000, Period.DAILY, 50, "alert", false));

        assertEquals(700, budgets.tightest(applied, 300).orElseThrow().getValue(), "this request's spend is seen");
        assertEquals(0, store.reads.get(), "no store read on the request thread");
        assertTrue(log.isEmpty(), "300 of 1000 is below the soft limit (500)");

        store.committed = () -> 450L; // other processes spent too
        queued.poll().run();
        clock.now = clock.now.plusSeconds(1);
        assertEquals(450, budgets.tightest(applied, 100).orElseThrow().getValue());
        assertTrue(log.getLast().contains("budget soft limit crossed"), "450 + 100 crosses 500: " + log);
        assertEquals(1, store.reads.get());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void waitFor(Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out");
            }
            Thread.sleep(2);
        }
    }
}
