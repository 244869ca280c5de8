package dev.tollgate.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.auth.GatewayKeys;
import dev.tollgate.budget.BudgetLimit;
import dev.tollgate.budget.Budgets;
import dev.tollgate.budget.LedgerEntry;
import dev.tollgate.budget.Money;
import dev.tollgate.budget.Period;
import dev.tollgate.budget.WindowState;
import dev.tollgate.core.Gateway;
import dev.tollgate.core.GatewayFactory;
import dev.tollgate.core.GatewayRequest;
import dev.tollgate.core.GatewayResponse;
import dev.tollgate.fakes.FakeOpenAiServer;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.log.RequestLog;
import dev.tollgate.store.DynamoDbBudgetStore;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soak: thousands of requests from concurrent clients, whole and streamed, on a route whose primary (the mock,
 * failure_rate 0.2) and fallback (a fake OpenAI upstream answering 5xx, 429 or a stream cut mid-way one time in four)
 * fail at random, metered against a hard budget on DynamoDB (the emulator). Afterwards nothing is lost: one ledger item
 * per request, window counters equal to the ledger sums, and no reservation left once the janitor has run. The faults
 * met are counted by kind from the request log lines (failed attempts by target and error code) and printed with the
 * wall time; docs/reliability.md records a run. (The emulator keeps up because tests/moto/serve.py rolls a failed
 * transaction back item by item instead of copying whole tables on every transaction.)
 */
class SoakIntegrationTest {

    // Several thousand by default; -Dtollgate.soak.requests=N for a longer (or, on a slow machine, shorter) run.
    private static final int REQUESTS = Integer.getInteger("tollgate.soak.requests", 3000);
    private static final int CLIENTS = 4;
    private static final String KEY = "tg-soak";

    @Test
    void thousandsOfRequestsWithRandomFaultsLoseNothing() throws Exception {
        AwsTestEnvironment.require();
        SplittableRandom random = new SplittableRandom(2026);
        Map<String, String> env = new HashMap<>(System.getenv());
        DynamoDbClient dynamo = GatewayFactory.dynamoDb(env);
        Path config = Files.createTempFile("tollgate-soak", ".yaml");
        AtomicInteger upstreamFaults = new AtomicInteger();
        try (BudgetTables tables = new BudgetTables(dynamo); FakeOpenAiServer upstream = FakeOpenAiServer.start()) {
            for (int i = 0; i < REQUESTS * 2; i++) {
                int roll = random.nextInt(12);
                FakeOpenAiServer.Reply reply = switch (roll) {
                    case 0 -> FakeOpenAiServer.Reply.serverError();
                    case 1 -> FakeOpenAiServer.Reply.rateLimited(0);
                    case 2 -> FakeOpenAiServer.Reply.text("a", "b", "c", "d").breakAfterChunks(2);
                    default -> FakeOpenAiServer.Reply.text("fine", " thanks").usage(12, 2, 0);
                };
                upstream.enqueue(reply);
            }
            Files.writeString(config, """
                    models:
                      - name: soak
                        policy: {retries: 1, backoff_ms: 1, max_backoff_ms: 2, cooldown_ms: 0}
                        targets:
                          - provider: mock
                            model: soak-mock
                            options: {failure_rate: 0.2, failure_status: 503, reply: "ok"}
                            price: {input_per_mtok: "1.00", output_per_mtok: "2.00"}
                          - provider: openai
                            model: gpt-4o-mini
                            base_url: "%s"
                            credential: none
                            price: {input_per_mtok: "0.15", output_per_mtok: "0.60"}
                    keys:
                      - {id: soak, sha256: %s}
                    """.formatted(upstream.baseUrl(), GatewayKeys.sha256(KEY)));
            DynamoDbBudgetStore store = new DynamoDbBudgetStore(() -> dynamo, tables.budgets, tables.usage, tables.state);
            store.putLimit(new BudgetLimit("global", Money.nanos(new BigDecimal("1000")), Period.DAILY, 0, "alert", false));
            env.putAll(tables.environment());
            env.remove("TOLLGATE_KEYS_TABLE");
            env.put("TOLLGATE_CONFIG", config.toString());
            List<String> logs = java.util.Collections.synchronizedList(new ArrayList<>());
            Gateway gateway = GatewayFactory.fromEnvironment(env, new RequestLog(logs::add)).gateway();

            Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
            AtomicInteger streamed = new AtomicInteger();
            AtomicInteger brokenStreams = new AtomicInteger();
            long started = System.nanoTime();
            try (ExecutorService clients = Executors.newFixedThreadPool(CLIENTS)) {
                List<Future<?>> done = new ArrayList<>();
                for (int i = 0; i < REQUESTS; i++) {
                    boolean stream = i % 5 == 0;
                    done.add(clients.submit(() -> {
                        String body = "{\"model\":\"soak\",\"max_tokens\":16,\"stream\":" + stream
                                + ",\"messages\":[{\"role\":\"user\",\"content\":\"soak\"}]}";
                        GatewayResponse response = gateway.handle(new GatewayRequest("POST", "/v1/chat/completions",
                                Map.of("Authorization", "Bearer " + KEY), body.getBytes(StandardCharsets.UTF_8)));
                        statuses.computeIfAbsent(response.status(), s -> new AtomicInteger()).incrementAndGet();
                        if (response instanceof GatewayResponse.Streamed s) {
                            streamed.incrementAndGet();
                            ByteArrayOutputStream out = new ByteArrayOutputStream();
                            try {
                                s.body().writeTo(out);
                            } catch (IOException e) {
                                throw new AssertionError(e);
                            }
                            if (out.toString(StandardCharsets.UTF_8).contains("\"error\"")) {
                                brokenStreams.incrementAndGet();
                            }
                        } else {
                            assertTrue(response.status() == 200 || response.status() >= 400);
                            assertFalse(response.status() == 500, "never an internal error");
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            }
            long elapsedMs = (System.nanoTime() - started) / 1_000_000;

            String today = LocalDate.now(ZoneOffset.UTC).toString();
            List<LedgerEntry> ledger = store.ledger(today);
            long lost = REQUESTS - ledger.stream().map(LedgerEntry::requestId).distinct().count();
            long retriedOrFellBack = ledger.stream().filter(e -> e.attempts() > 1).count();
            long extraAttempts = ledger.stream().mapToLong(e -> e.attempts() - 1).sum();
            long sum = ledger.stream().mapToLong(LedgerEntry::costNanos).sum();
            WindowState window = store.windows(Map.of("global", today)).get("global");
            Budgets budgets = new Budgets(store, new dev.tollgate.budget.PriceBookCostModel(dev.tollgate.pricing.PriceBook.lookup()), Clock.systemUTC(),
                    new RequestLog(l -> { }), false);
            int released = budgets.releaseExpired(Instant.now().plus(Duration.ofHours(1)));
            Map<String, Long> faults = faultsByKind(logs);
            System.out.printf("soak: %d requests (%d streamed) from %d clients in %d ms; statuses %s; %d requests "
                            + "met a fault (%d extra attempts); failed attempts by kind %s; %d streams ended in an error "
                            + "event; ledger items %d, lost %d; ledger sum $%s, window spent $%s; reservations "
                            + "released by the janitor %d%n",
                    REQUESTS, streamed.get(), CLIENTS, elapsedMs, statuses, retriedOrFellBack, extraAttempts,
                    faults, brokenStreams.get(), ledger.size(), lost, Money.format(sum), Money.format(window.spentNanos()),
                    released);

            assertEquals(REQUESTS, ledger.size(), "exactly one ledger item per request");
            assertEquals(0, lost);
            assertEquals(sum, window.spentNanos(), "window spent == ledger sum");
            assertEquals(sum, window.committedNanos(), "no hold left in the window");
            assertEquals(0, window.reservedNanos());
            assertTrue(store.expired(Instant.now().plus(Duration.ofHours(1)), 10).isEmpty(), "no reservation left");
            assertTrue(retriedOrFellBack > REQUESTS / 10, "faults were injected: " + retriedOrFellBack);
            assertFalse(statuses.containsKey(500), statuses.toString());
            assertTrue(faults.containsKey("mock/soak-mock upstream_server_error"), faults.toString());
            if (REQUESTS >= 1000) {
                // About 4% of requests reach the fallback (the mock failing twice); a short run may meet none of its faults.
                assertTrue(faults.keySet().containsAll(List.of("openai/gpt-4o-mini upstream_server_error",
                        "openai/gpt-4o-mini rate_limit_exceeded")), "every kind of fault was met: " + faults);
            }
        } finally {
            Files.deleteIfExists(config);
            dynamo.close();
        }
    }

    /** "target code" of every failed attempt in the request log lines, counted. */
    private static Map<String, Long> faultsByKind(List<String> logs) throws IOException {
        Map<String, Long> faults = new java.util.TreeMap<>();
        synchronized (logs) {
            for (String line : logs) {
                JsonNode event = JsonCodec.parse(line.getBytes(StandardCharsets.UTF_8));
                for (JsonNode failure : event.path("failed_attempts")) {
                    faults.merge(failure.path("target").asText() + " " + failure.path("code").asText(), 1L, Long::sum);
                }
            }
        }
        return faults;
    }
}
