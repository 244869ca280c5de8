package dev.tollgate.budget;

import dev.tollgate.testing.SettableClock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.auth.GatewayKeys;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.config.GatewayKey;
import dev.tollgate.core.Gateway;
import dev.tollgate.core.GatewayFactory;
import dev.tollgate.core.GatewayRequest;
import dev.tollgate.core.GatewayResponse;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.log.RequestLog;
import dev.tollgate.metrics.EmfMetrics;
import dev.tollgate.routing.InMemoryCooldownStore;
import dev.tollgate.routing.Sleeper;
import dev.tollgate.secrets.CredentialResolver;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Budgets, rate limits and the ledger through the whole core, on the in-memory store and the mock provider. */
class BudgetsTest {

    /** A clock that moves ten seconds per reading of a request, so cached budget windows are re-read each time. */

    private static final String KEY = "tg-budget-test";
    private static final String LIMITED_KEY = "tg-limited";
    private final SettableClock clock = new SettableClock("2026-11-25T10:00:00Z");
    private final InMemoryBudgetStore store = new InMemoryBudgetStore();
    private final List<String> log = new ArrayList<>();
    /** The EMF lines the requests' metrics became, as CloudWatch would read them from the function's log. */
    private final List<String> emf = new ArrayList<>();
    private final Gateway gateway;

    BudgetsTest() {
        GatewayConfig config = ConfigLoader.validate(ConfigLoader.readRaw("""
                models:
                  - name: main
                    targets:
                      - {provider: mock, model: priced, price: {input_per_mtok: "2.50", output_per_mtok: "10.00"}}
                  - name: cheap
                    targets:
                      - {provider: mock, model: cheap-model, price: {input_per_mtok: "0.10", output_per_mtok: "0.40"}}
                  - name: mixed
                    targets:
                      - {provider: mock, model: unpriced}
                      - {provider: mock, model: priced, price: {input_per_mtok: "2.50", output_per_mtok: "10.00"}}
                keys:
                  - {id: team-key, sha256: %s, team: search}
                """.formatted(GatewayKeys.sha256(KEY)), "test"), "test");
        RequestLog requestLog = new RequestLog(log::add, new EmfMetrics(emf::add, clock));
        Budgets budgets = new Budgets(store, new PriceBookCostModel(dev.tollgate.routing.PriceLookup.CONFIGURED), clock, requestLog, false,
                Runnable::run); // window reads on the caller thread: the figures below are read right after each request
        var keys = dev.tollgate.auth.KeyStore.of(config.keys()).orElse(dev.tollgate.auth.KeyStore.of(List.of(
                new GatewayKey("limited", GatewayKeys.sha256(LIMITED_KEY), null, null, Set.of("main"), 2, 0, List.of(),
                        false, null))));
        gateway = new Gateway(config, new GatewayKeys(keys, clock), GatewayFactory.router(config,
                GatewayFactory.providers(clock), new CredentialResolver(Map.of(), null, null),
                new InMemoryCooldownStore(), budgets, clock, new SplittableRandom(3), Sleeper.REAL, requestLog),
                requestLog);
    }

    private GatewayResponse ask(String key, String model, String extra) {
        clock.now = clock.now.plusSeconds(10);
        return gateway.handle(new GatewayRequest("POST", "/v1/chat/completions",
                Map.of("Authorization", "Bearer " + key, "x-tollgate-feature", "search-box"),
                ("{\"model\":\"" + model + "\",\"max_tokens\":100" + extra
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}").getBytes(StandardCharsets.UTF_8)));
    }

    private static JsonNode body(GatewayResponse response) throws IOException {
        return JsonCodec.parse(assertInstanceOf(GatewayResponse.Buffered.class, response).body());
    }

    private static long usdNanos(String usd) {
        return Money.nanos(new BigDecimal(usd));
    }

    @Test
    void everyRequestIsChargedExactlyAndLedgered() throws IOException {
        GatewayResponse response = ask(KEY, "main", "");
        assertEquals(200, response.status());
        JsonNode usage = body(response).get("usage");
        // 2.50 per million prompt tokens, 10.00 per million completion tokens, exact.
        long expected = Money.nanos(new BigDecimal("2.50").multiply(BigDecimal.valueOf(usage.get("prompt_tokens").asLong()))
                .add(new BigDecimal("10.00").multiply(BigDecimal.valueOf(usage.get("completion_tokens").asLong())))
                .movePointLeft(6));
        assertEquals(Money.format(expected), response.headers().get("x-tollgate-cost-usd"));
        List<LedgerEntry> ledger = store.ledger("2026-11-25");
        assertEquals(1, ledger.size());
        LedgerEntry entry = ledger.getFirst();
        assertEquals(expected, entry.costNanos());
        assertEquals("team-key", entry.keyId());
        assertEquals("search", entry.team());
        assertEquals("search-box", entry.feature());
        assertEquals("main", entry.route());
        assertEquals("priced", entry.model());
        assertEquals("ok", entry.outcome());
    }

    @Test
    void aHardBudgetRefusesWithBudgetExceededOnceTheNextWorstCaseWouldNotFit() throws IOException {
        store.putLimit(new BudgetLimit("team#search", usdNanos("0.005"), Period.MONTHLY, 0, "alert", false));
        int ok = 0;
        GatewayResponse refused = null;
        for (int i = 0; i < 100 && refused == null; i++) {
            GatewayResponse response = ask(KEY, "main", "");
            if (response.status() == 200) {
                ok++;
            } else {
                refused = response;
            }
        }
        assertTrue(ok > 0, "some requests fit");
        assertEquals(429, refused.status());
        assertEquals("budget_exceeded", body(refused).at("/error/code").asText());
        assertTrue(body(refused).at("/error/message").asText().contains("team#search"));
        long spent = store.ledger("2026-11-25").stream().mapToLong(LedgerEntry::costNanos).sum();
        assertTrue(spent <= usdNanos("0.005"), "spent " + spent);
        WindowState window = store.windows(Map.of("team#search", "2026-11")).get("team#search");
        assertEquals(spent, window.spentNanos(), "window counters equal the ledger");
        assertEquals(spent, window.committedNanos(), "nothing left reserved");
    }

    @Test
    void theRemainingBudgetOfTheTightestScopeIsInTheHeaders() {
        store.putLimit(new BudgetLimit("global", usdNanos("100"), Period.DAILY, 0, "alert", false));
        store.putLimit(new BudgetLimit("key#team-key", usdNanos("1"), Period.DAILY, 0, "alert", false));
        GatewayResponse response = ask(KEY, "main", "");
        assertEquals("key#team-key", response.headers().get("x-tollgate-budget-scope"));
        BigDecimal remaining = new BigDecimal(response.headers().get("x-tollgate-budget-remaining-usd"));
        assertEquals(BigDecimal.ONE.subtract(new BigDecimal(response.headers().get("x-tollgate-cost-usd"))), remaining);
    }

    @Test
    void anUnknownPriceUnderAHardBudgetSkipsThatTarget() {
        store.putLimit(new BudgetLimit("global", usdNanos("10"), Period.DAILY, 0, "alert", false));
        GatewayResponse response = ask(KEY, "mixed", "");
        assertEquals(200, response.status());
        assertEquals("priced", response.headers().get("x-tollgate-model"));
        assertTrue(log.getLast().contains("\"skipped\":\"budget\""), log.getLast());
    }

    @Test
    void aSpentProviderBudgetSkipsTheTargetButARequestWideOneRefuses() throws IOException {
        store.putLimit(new BudgetLimit("model#unpriced", 1, Period.DAILY, 0, "alert", false));
        store.putLimit(new BudgetLimit("model#priced", 1, Period.DAILY, 0, "alert", false));
        GatewayResponse response = ask(KEY, "mixed", "");
        assertEquals(429, response.status());
        assertEquals("budget_exceeded", body(response).at("/error/code").asText());
        assertEquals(1, store.ledger("2026-11-25").size(), "a refused request is ledgered too");
        assertEquals("budget_exceeded", store.ledger("2026-11-25").getFirst().outcome());
    }

    @Test
    void pastTheSoftLimitRequestsSwitchToTheCheaperRoute() {
        store.putLimit(new BudgetLimit("key#team-key", usdNanos("0.002"), Period.DAILY, 10, "route:cheap", false));
        List<String> routes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            routes.add(ask(KEY, "main", "").headers().get("x-tollgate-route"));
        }
        assertEquals("main", routes.getFirst());
        assertEquals("cheap", routes.getLast(), routes.toString());
        assertTrue(log.stream().anyMatch(l -> l.contains("budget soft limit crossed")));
    }

    @Test
    void keyRateLimitAnswers429WithRetryAfterAndRateLimitHeaders() throws IOException {
        assertEquals(200, ask(LIMITED_KEY, "main", "").status());
        clock.now = clock.now.minusSeconds(10);
        assertEquals(200, ask(LIMITED_KEY, "main", "").status());
        clock.now = clock.now.minusSeconds(10);
        GatewayResponse third = ask(LIMITED_KEY, "main", "");
        assertEquals(429, third.status());
        assertEquals("rate_limit_exceeded", body(third).at("/error/code").asText());
        assertEquals("2", third.headers().get("x-ratelimit-limit-requests"));
        assertEquals("0", third.headers().get("x-ratelimit-remaining-requests"));
        assertTrue(Integer.parseInt(third.headers().get("Retry-After")) <= 60);
    }

    @Test
    void aKeyMayOnlyUseItsAllowedModels() throws IOException {
        GatewayResponse response = ask(LIMITED_KEY, "cheap", "");
        assertEquals(403, response.status());
        assertEquals("model_not_allowed", body(response).at("/error/code").asText());
    }

    @Test
    void streamsAreChargedFromTheirFinalUsage() throws IOException {
        store.putLimit(new BudgetLimit("global", usdNanos("10"), Period.DAILY, 0, "alert", false));
        GatewayResponse response = ask(KEY, "main", ",\"stream\":true");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertInstanceOf(GatewayResponse.Streamed.class, response).body().writeTo(out);
        LedgerEntry entry = store.ledger("2026-11-25").getFirst();
        assertTrue(entry.costNanos() > 0);
        assertFalse(entry.estimated());
        assertEquals(entry.costNanos(), store.windows(Map.of("global", "2026-11-25")).get("global").spentNanos());
    }

    @Test
    void settlingTwiceNeverChargesTwiceAndExpiredHoldsAreReleased() {
        Reservation r = new Reservation("req-1#1", "req-1", List.of(new Reservation.Charge("global", "total",
                usdNanos("1"), 500, null)), List.of(), 500, clock.now.plusSeconds(60));
        assertTrue(assertDoesNotRefuse(r));
        LedgerEntry entry = new LedgerEntry("req-1", clock.now, null, null, null, "main", "mock", "priced",
                1, 1, 0, 0, 300, false, 1, "ok", 200, 1);
        assertTrue(store.settle(r, 300, 2, 0, entry));
        assertFalse(store.settle(r, 300, 2, 0, entry), "a retried settle is a no-op");
        assertEquals(300, store.windows(Map.of("global", "total")).get("global").committedNanos());

        Reservation stale = new Reservation("req-2#1", "req-2", List.of(new Reservation.Charge("global", "total",
                usdNanos("1"), 700, null)), List.of(), 700, clock.now.plusSeconds(60));
        assertTrue(assertDoesNotRefuse(stale));
        assertEquals(1000, store.windows(Map.of("global", "total")).get("global").committedNanos());
        Budgets budgets = new Budgets(store, new PriceBookCostModel(dev.tollgate.routing.PriceLookup.CONFIGURED), clock, new RequestLog(log::add), false);
        assertEquals(0, budgets.releaseExpired(clock.now));
        assertEquals(1, budgets.releaseExpired(clock.now.plus(Duration.ofMinutes(2))));
        assertEquals(300, store.windows(Map.of("global", "total")).get("global").committedNanos());
    }

    private boolean assertDoesNotRefuse(Reservation r) {
        try {
            store.reserve(r);
            return true;
        } catch (ReservationRefused e) {
            return false;
        }
    }

    /** The EMF line of the last request: its BudgetUsedPct value, checked to be declared as the alarm reads it. */
    private JsonNode lastEmfLine() throws IOException {
        JsonNode line = JsonCodec.parse(emf.getLast().getBytes(StandardCharsets.UTF_8));
        JsonNode directive = line.get("_aws").get("CloudWatchMetrics").get(0);
        assertEquals("Tollgate", directive.get("Namespace").asText());
        assertTrue(directive.get("Dimensions").toString().contains("[]"), "published without dimensions too");
        return line;
    }

    @Test
    void aRequestThatBringsItsBudgetTo80PercentEmitsBudgetUsedPct80() throws IOException {
        store.putLimit(new BudgetLimit("team#search", usdNanos("1"), Period.MONTHLY, 0, "alert", false));
        assertEquals(200, ask(KEY, "main", "").status());
        long cost = store.ledger("2026-11-25").getFirst().costNanos();
        assertTrue(cost > 0 && cost < usdNanos("0.001"), "a small, exactly priced request: " + cost);
        assertEquals(0, lastEmfLine().get("BudgetUsedPct").asLong(), "one small request: 0 % (rounded down)");

        // Spend seeded so that the next request, costing the same again, lands exactly on $0.80 of $1.
        seed("team#search", "2026-11", usdNanos("0.80") - 2 * cost);
        assertEquals(200, ask(KEY, "main", "").status());
        assertEquals(usdNanos("0.80"), store.windows(Map.of("team#search", "2026-11")).get("team#search")
                .committedNanos(), "the test's premise: the window is at exactly 80 %");
        JsonNode line = lastEmfLine();
        assertTrue(line.get("BudgetUsedPct").isIntegralNumber(), "whole percent: " + line.get("BudgetUsedPct"));
        assertEquals(80, line.get("BudgetUsedPct").asLong());
        assertTrue(line.get("_aws").get("CloudWatchMetrics").get(0).get("Metrics").toString()
                .contains("{\"Name\":\"BudgetUsedPct\",\"Unit\":\"Percent\"}"), line.toString());
    }

    /** Spend settled on a budget window before the request under test, as earlier requests would have left it. */
    private void seed(String scope, String window, long nanos) {
        Reservation earlier = new Reservation("seed-" + scope + "#1", "seed-" + scope, List.of(new Reservation.Charge(
                scope, window, Long.MAX_VALUE, nanos, null)), List.of(), nanos, clock.now.plusSeconds(60));
        assertTrue(assertDoesNotRefuse(earlier));
        assertTrue(store.settle(earlier, nanos, 0, 0, new LedgerEntry("seed-" + scope, clock.now, null, null, null,
                "main", "mock", "priced", 0, 0, 0, 0, nanos, false, 1, "ok", 200, 1)));
    }

    @Test
    void theHighestUseAcrossTheRequestsBudgetsIsEmittedAndNothingWithoutBudgets() throws IOException {
        assertEquals(200, ask(KEY, "main", "").status());
        assertFalse(lastEmfLine().has("BudgetUsedPct"), "no budget applies: no BudgetUsedPct at all (not 0)");
        long cost = store.ledger("2026-11-25").getFirst().costNanos();
        // After the next request (costing `cost` again): global at 25 % of $4, the key at 50 % of $1.
        store.putLimit(new BudgetLimit("global", usdNanos("4"), Period.DAILY, 0, "alert", false));
        store.putLimit(new BudgetLimit("key#team-key", usdNanos("1"), Period.DAILY, 0, "alert", false));
        seed("global", "2026-11-25", usdNanos("1") - cost);
        seed("key#team-key", "2026-11-25", usdNanos("0.5") - cost);
        clock.now = clock.now.plusSeconds(60); // past the limits cache, which remembers "no budgets" for 30 s
        assertEquals(200, ask(KEY, "main", "").status());
        assertEquals(50, lastEmfLine().get("BudgetUsedPct").asLong(), "the most used budget's percentage");
    }
}
