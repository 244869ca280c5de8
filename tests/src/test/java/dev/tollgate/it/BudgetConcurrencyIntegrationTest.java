package dev.tollgate.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.auth.GatewayKeys;
import dev.tollgate.budget.BudgetLimit;
import dev.tollgate.budget.LedgerEntry;
import dev.tollgate.budget.Money;
import dev.tollgate.budget.Period;
import dev.tollgate.budget.WindowState;
import dev.tollgate.core.GatewayFactory;
import dev.tollgate.log.RequestLog;
import dev.tollgate.router.LocalServer;
import dev.tollgate.store.DynamoDbBudgetStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The concurrency proof: 200 simultaneous requests against a hard budget that affords 50, through two gateway
 * processes (this JVM and a child JVM) sharing DynamoDB tables on the emulator. The mock target's worst case equals
 * its actual cost (max_tokens 1, a one-word reply, the same prompt estimate), so the estimation error is zero and
 * exactly 50 must pass: settled spend never exceeds the limit, every request has one ledger item, and the window
 * counters equal the ledger sums.
 */
class BudgetConcurrencyIntegrationTest {

    private static final String KEY = "tg-concurrency";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REQUESTS = 200;
    private static final int AFFORDABLE = 50;
    private static final String BODY = "{\"model\":\"metered\",\"max_tokens\":1,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"how much is this?\"}]}";
    private static DynamoDbClient dynamo;
    private static BudgetTables tables;
    private static Path config;

    @BeforeAll
    static void setUp() throws IOException {
        AwsTestEnvironment.require();
        dynamo = GatewayFactory.dynamoDb(System.getenv());
        tables = new BudgetTables(dynamo);
        config = Files.createTempFile("tollgate-concurrency", ".yaml");
        Files.writeString(config, """
                models:
                  - name: metered
                    policy: {retries: 0}
                    targets:
                      - provider: mock
                        model: metered-mock
                        options: {latency_ms: 40, reply: "ok"}
                        price: {input_per_mtok: "1.00", output_per_mtok: "1.00"}
                keys:
                  - {id: concurrency, sha256: %s}
                """.formatted(GatewayKeys.sha256(KEY)));
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (tables != null) {
            tables.close();
        }
        if (config != null) {
            Files.deleteIfExists(config);
        }
    }

    private static Map<String, String> gatewayEnvironment(int port) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(tables.environment());
        env.put("TOLLGATE_CONFIG", config.toString());
        env.put("PORT", Integer.toString(port));
        return env;
    }

    @Test
    void twoHundredConcurrentRequestsNeverOverspendAHardBudget() throws Exception {
        DynamoDbBudgetStore store = new DynamoDbBudgetStore(() -> dynamo, tables.budgets, tables.usage, tables.state);
        // One request's exact cost: the mock's usage for this body, at $1 per million tokens either way.
        long promptTokens = Math.max(1, (JSON.readTree(BODY).get("messages").toString().length() + 3) / 4);
        long costNanos = Money.nanos(java.math.BigDecimal.valueOf(promptTokens + 1).movePointLeft(6));
        store.putLimit(new BudgetLimit("global", costNanos * AFFORDABLE, Period.DAILY, 0, "alert", false));

        List<String> logs = java.util.Collections.synchronizedList(new ArrayList<>());
        GatewayFactory.Setup local = GatewayFactory.fromEnvironment(gatewayEnvironment(0), new RequestLog(logs::add));
        Process child;
        int childPort;
        try (LocalServer server = new LocalServer(local.gateway(), "127.0.0.1", 0).start()) {
            childPort = freePort();
            child = startChildGateway(childPort);
            try {
                List<String> urls = List.of("http://127.0.0.1:" + server.port(), "http://127.0.0.1:" + childPort);
                Map<Integer, Integer> statuses = fire(urls);
                assertEquals(AFFORDABLE, statuses.getOrDefault(200, 0), "exactly the affordable requests pass: " + statuses);
                assertEquals(REQUESTS - AFFORDABLE, statuses.getOrDefault(429, 0), statuses.toString());
            } finally {
                child.destroy();
                child.waitFor();
            }
        }

        String today = LocalDate.now(ZoneOffset.UTC).toString();
        List<LedgerEntry> ledger = store.ledger(today);
        assertEquals(REQUESTS, ledger.size(), "one ledger item per request, none lost");
        assertEquals(REQUESTS, ledger.stream().map(LedgerEntry::requestId).distinct().count());
        long ledgerSum = ledger.stream().mapToLong(LedgerEntry::costNanos).sum();
        assertEquals(costNanos * AFFORDABLE, ledgerSum);
        assertEquals(REQUESTS - AFFORDABLE, ledger.stream().filter(e -> "budget_exceeded".equals(e.outcome())).count());
        WindowState window = store.windows(Map.of("global", today)).get("global");
        assertEquals(ledgerSum, window.spentNanos(), "window spent == ledger sum");
        assertEquals(ledgerSum, window.committedNanos(), "no hold left behind");
        assertEquals(0, window.reservedNanos());
        assertTrue(window.committedNanos() <= costNanos * AFFORDABLE, "never over the limit");
        assertTrue(store.expired(java.time.Instant.now().plus(Duration.ofHours(1)), 10).isEmpty(),
                "no reservation record left dangling");
    }

    private static Map<Integer, Integer> fire(List<String> urls) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Map<Integer, Integer> statuses = new HashMap<>();
        // All REQUESTS in flight at once. The emulator keeps up since tests/moto/serve.py no longer copies whole tables
        // on every transaction (they had made 200 queued transactions outlast the client's retries).
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                String url = urls.get(i % urls.size());
                responses.add(pool.submit(() -> http.send(HttpRequest.newBuilder(URI.create(url + "/v1/chat/completions"))
                        .header("Authorization", "Bearer " + KEY).timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString())));
            }
            for (Future<HttpResponse<String>> future : responses) {
                HttpResponse<String> response = future.get();
                statuses.merge(response.statusCode(), 1, Integer::sum);
                if (response.statusCode() == 429) {
                    JsonNode error = JSON.readTree(response.body()).get("error");
                    assertEquals("budget_exceeded", error.get("code").asText(), response.body());
                } else {
                    assertEquals(200, response.statusCode(), response.body());
                }
            }
        }
        return statuses;
    }

    /** A second gateway process on the same tables: the local server main on this test's classpath. */
    private static Process startChildGateway(int port) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.tollgate.router.LocalServer")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(gatewayEnvironment(port));
        Process process = builder.start();
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 200; i++) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return process;
                }
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        process.destroy();
        throw new IllegalStateException("the child gateway did not start");
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
