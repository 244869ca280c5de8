package dev.tollgate.it;

import dev.tollgate.auth.GatewayKeys;
import dev.tollgate.budget.BudgetLimit;
import dev.tollgate.budget.Budgets;
import dev.tollgate.budget.LedgerEntry;
import dev.tollgate.budget.Money;
import dev.tollgate.budget.Period;
import dev.tollgate.budget.PriceBookCostModel;
import dev.tollgate.budget.Reservation;
import dev.tollgate.budget.ReservationRefused;
import dev.tollgate.budget.WindowState;
import dev.tollgate.core.GatewayFactory;
import dev.tollgate.fakes.FakeOpenAiServer;
import dev.tollgate.fakes.FakeOpenAiServer.Reply;
import dev.tollgate.log.RequestLog;
import dev.tollgate.routing.PriceLookup;
import dev.tollgate.store.DynamoDbBudgetStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reservations and the ledger on DynamoDB: stale holds of invocations that died are given back (by the admin's
 * releaser and by a gateway's janitor) and a late settle of one never charges; streamed requests are charged from
 * their final usage chunk, exactly, and a stream that breaks before it is charged an estimate marked as such.
 */
class BudgetLedgerIntegrationTest {

    private static final String KEY = "tg-ledger-it";
    private static final long ONE_USD = Money.nanos(BigDecimal.ONE);
    private static DynamoDbClient dynamo;
    private static FakeOpenAiServer upstream;

    @BeforeAll
    static void setUp() {
        AwsTestEnvironment.require();
        dynamo = GatewayFactory.dynamoDb(System.getenv());
        upstream = FakeOpenAiServer.start();
    }

    @AfterAll
    static void tearDown() {
        if (upstream != null) {
            upstream.close();
        }
        if (dynamo != null) {
            dynamo.close();
        }
    }

    private static DynamoDbBudgetStore store(BudgetTables tables) {
        return new DynamoDbBudgetStore(() -> dynamo, tables.budgets, tables.usage, tables.state);
    }

    private static EnvGateway gateway(BudgetTables tables) {
        Map<String, String> env = new HashMap<>(tables.environment());
        env.put("FAKE_OPENAI_KEY", "sk-fake-upstream");
        return new EnvGateway("""
                models:
                  - name: streamed
                    policy: {retries: 0}
                    targets:
                      - {provider: openai, model: stream-upstream, base_url: "%s", credential: "env:FAKE_OPENAI_KEY",
                         price: {input_per_mtok: "2.00", output_per_mtok: "8.00", cache_read_per_mtok: "0.50"}}
                keys:
                  - {id: ledger, sha256: %s, team: ledger-team}
                """.formatted(upstream.baseUrl(), GatewayKeys.sha256(KEY)), env);
    }

    private static Reservation hold(String id, String scope, String window, long amount, Instant expiresAt) {
        return new Reservation(id + "#1", id, List.of(new Reservation.Charge(scope, window, ONE_USD, amount, null)),
                List.of(), amount, expiresAt);
    }

    private static WindowState window(DynamoDbBudgetStore store, String scope, String key) {
        return store.windows(Map.of(scope, key)).get(scope);
    }

    private static Optional<LedgerEntry> ledgered(DynamoDbBudgetStore store, String requestId) throws InterruptedException {
        // Settlement follows the last byte of a stream: give it a moment.
        for (int i = 0; i < 50; i++) {
            Optional<LedgerEntry> entry = store.ledger(LocalDate.now(ZoneOffset.UTC).toString()).stream()
                    .filter(e -> e.requestId().equals(requestId)).findFirst();
            if (entry.isPresent()) {
                return entry;
            }
            Thread.sleep(100);
        }
        return Optional.empty();
    }

    @Test
    void aStaleReservationIsReleasedAndALateSettleOfItNeverCharges() throws ReservationRefused {
        try (BudgetTables tables = new BudgetTables(dynamo)) {
            DynamoDbBudgetStore store = store(tables);
            Instant now = Instant.now();
            Reservation settled = hold("req-settled", "team#stale", "total", 300, now.plus(Duration.ofMinutes(16)));
            store.reserve(settled);
            assertTrue(store.settle(settled, 300, 0, 0, new LedgerEntry("req-settled", now, null, "stale", null, "r",
                    "mock", "m", 1, 1, 0, 0, 300, false, 1, "ok", 200, 1)));
            WindowState before = window(store, "team#stale", "total");
            assertEquals(new WindowState(300, 300, 0, 1), before);

            Reservation died = hold("req-died", "team#stale", "total", 700, now.minusSeconds(60));
            store.reserve(died);
            assertEquals(new WindowState(1000, 300, 700, 2), window(store, "team#stale", "total"), "the hold counts");

            Budgets budgets = new Budgets(store, new PriceBookCostModel(PriceLookup.CONFIGURED), Clock.systemUTC(),
                    new RequestLog(line -> { }), false);
            assertEquals(1, budgets.releaseExpired(Instant.now()));
            WindowState after = window(store, "team#stale", "total");
            assertEquals(before.committedNanos(), after.committedNanos(), "the window is back where it was");
            assertEquals(before.spentNanos(), after.spentNanos());
            assertEquals(0, after.reservedNanos());
            assertTrue(store.expired(Instant.now(), 10).isEmpty());
            assertEquals(0, budgets.releaseExpired(Instant.now()), "released once");

            assertFalse(store.settle(died, 650, 0, 0, new LedgerEntry("req-died", now, null, "stale", null, "r", "mock",
                    "m", 1, 1, 0, 0, 650, false, 1, "ok", 200, 1)), "a settle that comes after the release is refused");
            assertEquals(after, window(store, "team#stale", "total"), "and charges nothing");
            assertTrue(store.ledger(LocalDate.now(ZoneOffset.UTC).toString()).stream()
                    .noneMatch(e -> e.requestId().equals("req-died")));
        }
    }

    @Test
    void aGatewaysJanitorReleasesStaleReservationsOnItsOwn() throws ReservationRefused, InterruptedException {
        upstream.reset();
        try (BudgetTables tables = new BudgetTables(dynamo)) {
            DynamoDbBudgetStore store = store(tables);
            String today = Period.DAILY.windowKey(Instant.now());
            store.putLimit(new BudgetLimit("global", ONE_USD, Period.DAILY, 0, "alert", false));
            store.reserve(hold("crashed-invocation", "global", today, 5_000_000, Instant.now().minusSeconds(1)));
            try (EnvGateway gateway = gateway(tables)) {
                HttpResponse<String> response = gateway.chat(KEY, "{\"model\":\"streamed\",\"max_tokens\":10,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
                assertEquals(200, response.statusCode(), response.body());
                WindowState w = window(store, "global", today);
                for (int i = 0; i < 50 && w.reservedNanos() != 0; i++) {
                    Thread.sleep(100);
                    w = window(store, "global", today);
                }
                assertEquals(0, w.reservedNanos(), "the crashed invocation's hold was given back");
                assertEquals(w.spentNanos(), w.committedNanos());
                long ledgerSum = store.ledger(LocalDate.now(ZoneOffset.UTC).toString()).stream()
                        .mapToLong(LedgerEntry::costNanos).sum();
                assertEquals(ledgerSum, w.spentNanos(), "what remains is exactly the ledgered spend");
                assertTrue(gateway.log().stream().anyMatch(l -> l.contains("expired budget reservations released")));
            }
        }
    }

    @Test
    void aStreamIsChargedExactlyFromItsFinalUsageChunk() throws InterruptedException {
        upstream.reset();
        upstream.defaultReply(Reply.text("Hel", "lo", "!").usage(1000, 200, 100));
        try (BudgetTables tables = new BudgetTables(dynamo)) {
            DynamoDbBudgetStore store = store(tables);
            store.putLimit(new BudgetLimit("team#ledger-team", ONE_USD, Period.MONTHLY, 0, "alert", false));
            try (EnvGateway gateway = gateway(tables)) {
                HttpResponse<String> response = gateway.chat(KEY, "{\"model\":\"streamed\",\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
                assertEquals(200, response.statusCode());
                assertTrue(response.body().contains("data: [DONE]"), response.body());
                assertFalse(response.body().contains("\"prompt_tokens\""), "the client did not ask for usage");
                assertTrue(upstream.lastRequest().json().at("/stream_options/include_usage").asBoolean(),
                        "the gateway asked the upstream for it");
                LedgerEntry entry = ledgered(store, response.headers().firstValue("x-request-id").orElseThrow())
                        .orElseThrow(() -> new AssertionError("no ledger entry for the stream"));
                // 900 uncached x $2 + 100 cached x $0.50 + 200 out x $8, per million tokens = $0.00345.
                assertEquals(Money.nanos(new BigDecimal("0.00345")), entry.costNanos());
                assertFalse(entry.estimated());
                assertEquals(1000, entry.promptTokens());
                assertEquals(200, entry.completionTokens());
                assertEquals(100, entry.cachedTokens());
                assertEquals("ledger-team", entry.team());
                WindowState w = window(store, "team#ledger-team", Period.MONTHLY.windowKey(Instant.now()));
                assertEquals(new WindowState(entry.costNanos(), entry.costNanos(), 0, 1), w);
            }
        }
    }

    @Test
    void aStreamThatBreaksBeforeItsUsageIsChargedAnEstimateMarkedAsSuch() throws InterruptedException {
        upstream.reset();
        upstream.defaultReply(Reply.text("one", "two", "three", "four").usage(1000, 4, 0)
                .breakAfterChunks(3).chunkDelay(Duration.ofMillis(50)));
        try (BudgetTables tables = new BudgetTables(dynamo)) {
            DynamoDbBudgetStore store = store(tables);
            store.putLimit(new BudgetLimit("global", ONE_USD, Period.DAILY, 0, "alert", false));
            try (EnvGateway gateway = gateway(tables)) {
                HttpResponse<String> response = gateway.chat(KEY, "{\"model\":\"streamed\",\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
                assertTrue(response.body().contains("\"error\""), "the client learns the stream broke: " + response.body());
                LedgerEntry entry = ledgered(store, response.headers().firstValue("x-request-id").orElseThrow())
                        .orElseThrow(() -> new AssertionError("no ledger entry for the broken stream"));
                assertTrue(entry.estimated(), "charged from an estimate, and marked so");
                assertTrue(entry.costNanos() > 0, "not $0");
                assertTrue(entry.completionTokens() > 0, "the tokens that reached the client are counted");
                WindowState w = window(store, "global", Period.DAILY.windowKey(Instant.now()));
                assertEquals(entry.costNanos(), w.spentNanos(), "the estimate is what the budget is charged");
                assertEquals(0, w.reservedNanos());
            }
        }
    }
}
