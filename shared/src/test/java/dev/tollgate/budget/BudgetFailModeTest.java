package dev.tollgate.budget;

import dev.tollgate.testing.SettableClock;

import dev.tollgate.auth.GatewayKeys;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.core.Gateway;
import dev.tollgate.core.GatewayFactory;
import dev.tollgate.core.GatewayRequest;
import dev.tollgate.core.GatewayResponse;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.log.RequestLog;
import dev.tollgate.routing.InMemoryCooldownStore;
import dev.tollgate.routing.PriceLookup;
import dev.tollgate.routing.Sleeper;
import dev.tollgate.secrets.CredentialResolver;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * What a budget's own fail mode does while the store is down: it governs for as long as the outage lasts (the
 * limits last read stay in use past their cache time), and the gateway-wide mode decides only for scopes never read.
 */
class BudgetFailModeTest {

    private static final String KEY = "tg-fail-mode";

    /** The in-memory store behind a switch that makes every call fail, as an unreachable DynamoDB does. */
    private static final class SwitchableStore implements BudgetStore {
        final InMemoryBudgetStore inner = new InMemoryBudgetStore();
        volatile boolean down;
        final java.util.concurrent.atomic.AtomicInteger limitReads = new java.util.concurrent.atomic.AtomicInteger();

        private void check() {
            if (down) {
                throw new IllegalStateException("store unreachable");
            }
        }

        @Override
        public Map<String, BudgetLimit> limits(Collection<String> scopes) {
            limitReads.incrementAndGet();
            check();
            return inner.limits(scopes);
        }

        @Override
        public void reserve(Reservation reservation) throws ReservationRefused {
            check();
            inner.reserve(reservation);
        }

        @Override
        public boolean settle(Reservation r, long actualNanos, long actualTokens, long reservedTokens, LedgerEntry e) {
            check();
            return inner.settle(r, actualNanos, actualTokens, reservedTokens, e);
        }

        @Override
        public boolean release(Reservation reservation, LedgerEntry entry) {
            check();
            return inner.release(reservation, entry);
        }

        @Override
        public void record(LedgerEntry entry) {
            check();
            inner.record(entry);
        }

        @Override
        public Map<String, WindowState> windows(Map<String, String> windowKeys) {
            check();
            return inner.windows(windowKeys);
        }

        @Override
        public List<Reservation> expired(Instant now, int max) {
            check();
            return inner.expired(now, max);
        }

        @Override
        public void putLimit(BudgetLimit limit) {
            inner.putLimit(limit);
        }

        @Override
        public List<LedgerEntry> ledger(String day) {
            return inner.ledger(day);
        }
    }


    private final SettableClock clock = new SettableClock("2026-11-25T10:00:00Z");
    private final SwitchableStore store = new SwitchableStore();
    private final List<String> log = new ArrayList<>();

    private Gateway gateway(boolean failOpenByDefault) {
        GatewayConfig config = ConfigLoader.validate(ConfigLoader.readRaw("""
                models:
                  - name: main
                    targets:
                      - {provider: mock, model: priced, price: {input_per_mtok: "1.00", output_per_mtok: "1.00"}}
                keys:
                  - {id: ops, sha256: %s, team: ops}
                """.formatted(GatewayKeys.sha256(KEY)), "test"), "test");
        RequestLog requestLog = new RequestLog(log::add);
        Budgets budgets = new Budgets(store, new PriceBookCostModel(PriceLookup.CONFIGURED), clock, requestLog,
                failOpenByDefault);
        return new Gateway(config, new GatewayKeys(dev.tollgate.auth.KeyStore.of(config.keys()), clock),
                GatewayFactory.router(config, GatewayFactory.providers(clock), new CredentialResolver(Map.of(), null,
                        null), new InMemoryCooldownStore(), budgets, clock, new SplittableRandom(1), Sleeper.REAL,
                        requestLog), requestLog);
    }

    private static GatewayResponse ask(Gateway gateway) {
        return gateway.handle(new GatewayRequest("POST", "/v1/chat/completions", Map.of("Authorization", "Bearer " + KEY),
                "{\"model\":\"main\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
                        .getBytes(StandardCharsets.UTF_8)));
    }

    private static String code(GatewayResponse response) throws IOException {
        return JsonCodec.parse(assertInstanceOf(GatewayResponse.Buffered.class, response).body())
                .at("/error/code").asText();
    }

    private static BudgetLimit limit(String scope, boolean failOpen) {
        return new BudgetLimit(scope, Money.nanos(new BigDecimal("10")), Period.DAILY, 0, "alert", failOpen);
    }

    @Test
    void aBudgetThatFailsOpenKeepsServingThroughALongOutage() {
        store.putLimit(limit("team#ops", true));
        Gateway gateway = gateway(false);
        assertEquals(200, ask(gateway).status());
        store.down = true;
        clock.now = clock.now.plusSeconds(120);   // well past the 30 s limit cache
        assertEquals(200, ask(gateway).status(), "the budget's own fail mode (open) decides, not the default");
    }

    @Test
    void aBudgetThatFailsClosedRefusesWith503ThroughALongOutage() throws IOException {
        store.putLimit(limit("team#ops", false));
        Gateway gateway = gateway(true);
        assertEquals(200, ask(gateway).status());
        store.down = true;
        clock.now = clock.now.plusSeconds(120);
        GatewayResponse refused = ask(gateway);
        assertEquals(503, refused.status(), "the budget's own fail mode (closed) wins over a gateway default of open");
        assertEquals("budget_store_unavailable", code(refused));
        assertEquals("1", refused.headers().get("Retry-After"));
    }

    @Test
    void beforeAnyLimitWasReadTheGatewayWideModeDecides() throws IOException {
        store.putLimit(limit("team#ops", true));
        store.down = true;
        GatewayResponse closed = ask(gateway(false));
        assertEquals(503, closed.status());
        assertEquals("budget_store_unavailable", code(closed));
        assertEquals(200, ask(gateway(true)).status());
    }

    @Test
    void anOutageCostsOneFailedLimitReadPerCacheTimeNotOnePerRequest() {
        store.putLimit(limit("team#ops", true));
        Gateway gateway = gateway(false);
        assertEquals(200, ask(gateway).status());
        store.down = true;
        clock.now = clock.now.plusSeconds(120);
        int before = store.limitReads.get();
        for (int i = 0; i < 5; i++) {
            assertEquals(200, ask(gateway).status());
        }
        assertEquals(before + 1, store.limitReads.get());
    }

    @Test
    void theStoreIsReadAgainOnceItAnswers() {
        Gateway gateway = gateway(false);
        assertEquals(200, ask(gateway).status());
        store.down = true;
        clock.now = clock.now.plusSeconds(120);
        assertEquals(200, ask(gateway).status(), "no budget was known for these scopes, and none is assumed");
        store.down = false;
        store.putLimit(new BudgetLimit("team#ops", 1, Period.DAILY, 0, "alert", false));
        clock.now = clock.now.plusSeconds(31);
        assertEquals(429, ask(gateway).status(), "the limit written during the outage is read within the cache time");
    }
}
