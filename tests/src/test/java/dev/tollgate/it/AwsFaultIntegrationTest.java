package dev.tollgate.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.auth.GatewayKeys;
import dev.tollgate.budget.BudgetLimit;
import dev.tollgate.budget.LedgerEntry;
import dev.tollgate.budget.Money;
import dev.tollgate.budget.Period;
import dev.tollgate.budget.WindowState;
import dev.tollgate.core.Gateway;
import dev.tollgate.core.GatewayFactory;
import dev.tollgate.core.GatewayRequest;
import dev.tollgate.core.GatewayResponse;
import dev.tollgate.fakes.FakeOpenAiServer;
import dev.tollgate.log.RequestLog;
import dev.tollgate.store.DynamoDbBudgetStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AWS faults, on an emulator of the test's own behind a fault-injecting proxy: Secrets Manager going away after a
 * first read, DynamoDB unreachable under a hard budget (closed and open), DynamoDB throttling, and the emulator
 * stopped mid-run. In every case the client gets a truthful answer (200, or an OpenAI-shaped 5xx naming the cause,
 * never a bare 500), money is not counted twice, and no key appears in any answer or log line.
 */
class AwsFaultIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "tg-aws-faults-gateway-key";
    private static final String PROVIDER_KEY = "sk-aws-faults-provider-key-0123456789";
    private static final String SECRET_ID = "tollgate-it/faults";
    private static final String BODY = "{\"model\":\"%s\",\"max_tokens\":5,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"tell me a secret\"}]}";

    private static MotoProcess moto;
    private static FakeOpenAiServer upstream;
    private static Path config;
    private FaultyAwsProxy proxy;
    private DynamoDbClient dynamo;
    private BudgetTables tables;
    private final List<String> logs = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void startEmulator() throws Exception {
        AwsTestEnvironment.require();
        moto = MotoProcess.start();
        upstream = FakeOpenAiServer.start();
        try (SecretsManagerClient secrets = GatewayFactory.secretsManager(awsEnv(moto.endpoint()))) {
            secrets.createSecret(b -> b.name(SECRET_ID).secretString("{\"openai\":\"" + PROVIDER_KEY + "\"}"));
        }
        config = Files.createTempFile("tollgate-aws-faults", ".yaml");
        Files.writeString(config, """
                models:
                  - name: secret-backed
                    policy: {retries: 0}
                    targets:
                      - {provider: openai, model: gpt-4o-mini, base_url: "%s", credential: "secret:%s#openai"}
                  - name: metered
                    policy: {retries: 0}
                    targets:
                      - provider: mock
                        model: metered-mock
                        options: {reply: "ok"}
                        price: {input_per_mtok: "1.00", output_per_mtok: "1.00"}
                keys:
                  - {id: faults, sha256: %s}
                """.formatted(upstream.baseUrl(), SECRET_ID, GatewayKeys.sha256(KEY)));
    }

    @AfterAll
    static void stopEmulator() throws Exception {
        if (upstream != null) {
            upstream.close();
        }
        if (moto != null) {
            moto.close();
        }
        if (config != null) {
            Files.deleteIfExists(config);
        }
    }

    @BeforeEach
    void startProxy() throws IOException {
        proxy = new FaultyAwsProxy(moto.endpoint());
        dynamo = GatewayFactory.dynamoDb(awsEnv(moto.endpoint()));
        tables = new BudgetTables(dynamo);
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
        tables.close();
        dynamo.close();
        for (String line : logs) {
            assertFalse(line.contains(PROVIDER_KEY) || line.contains(KEY), "a key in a log line: " + line);
            assertFalse(line.contains("tell me a secret"), "the prompt in a log line: " + line);
        }
    }

    private static Map<String, String> awsEnv(String endpoint) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("AWS_ENDPOINT_URL", endpoint);
        env.putIfAbsent("AWS_REGION", "us-east-1");
        env.putIfAbsent("AWS_ACCESS_KEY_ID", "test");
        env.putIfAbsent("AWS_SECRET_ACCESS_KEY", "test");
        return env;
    }

    private Gateway gateway(Map<String, String> extra) {
        Map<String, String> env = awsEnv(proxy.endpoint());
        env.put("TOLLGATE_CONFIG", config.toString());
        env.putAll(extra);
        return GatewayFactory.fromEnvironment(env, new RequestLog(logs::add)).gateway();
    }

    private Map<String, String> budgetTables() {
        Map<String, String> env = new HashMap<>(tables.environment());
        env.remove("TOLLGATE_KEYS_TABLE"); // the key is in the config; the keys table is the admin work's concern
        return env;
    }

    private static Answer post(Gateway gateway, String model) {
        GatewayResponse response = gateway.handle(new GatewayRequest("POST", "/v1/chat/completions",
                Map.of("Authorization", "Bearer " + KEY), BODY.formatted(model).getBytes(StandardCharsets.UTF_8)));
        byte[] body = assertInstanceOf(GatewayResponse.Buffered.class, response).body();
        String text = new String(body, StandardCharsets.UTF_8);
        assertFalse(text.contains(PROVIDER_KEY) || text.contains(KEY), "a key in the answer: " + text);
        response.headers().values().forEach(v -> assertFalse(v.contains(PROVIDER_KEY) || v.contains(KEY)));
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("an answer that is not JSON: " + text, e);
        }
        if (response.status() != 200) {
            assertTrue(json.path("error").path("message").isTextual(), "an OpenAI-shaped error: " + text);
            assertTrue(response.status() != 500, "never a bare internal error: " + text);
        }
        return new Answer(response.status(), json.path("error").path("code").asText(null), text);
    }

    record Answer(int status, String code, String body) {
    }

    @Test
    void secretsManagerDownAfterAFirstReadServesTheCachedKeyUntilItsTtlThenA502() throws Exception {
        Gateway gateway = gateway(Map.of("TOLLGATE_SECRET_TTL_SECONDS", "2"));
        assertEquals(200, post(gateway, "secret-backed").status());
        proxy.down();
        Answer cached = post(gateway, "secret-backed");
        assertEquals(200, cached.status(), "the cached key keeps serving within its TTL: " + cached.body());
        assertEquals("Bearer " + PROVIDER_KEY, upstream.lastRequest().header("Authorization"));
        Thread.sleep(2_100);
        Answer expired = post(gateway, "secret-backed");
        assertEquals(502, expired.status(), expired.body());
        assertEquals("credential_unavailable", expired.code());
        assertTrue(proxy.dropped.get() > 0, "Secrets Manager was asked and did not answer");
        proxy.pass();
        assertEquals(200, post(gateway, "secret-backed").status(), "served again once Secrets Manager is back");
    }

    @Test
    void dynamoDbUnreachableUnderAHardBudgetFailsClosedWith503AndOpenWhenConfigured() {
        store(moto.endpoint()).putLimit(new BudgetLimit("global", Money.nanos(new java.math.BigDecimal("10")),
                Period.DAILY, 0, "alert", false));
        proxy.down();
        Answer closed = post(gateway(budgetTables()), "metered");
        assertEquals(503, closed.status(), closed.body());
        assertEquals("budget_store_unavailable", closed.code());

        Map<String, String> open = budgetTables();
        open.put("TOLLGATE_BUDGET_FAIL_MODE", "open");
        Answer served = post(gateway(open), "metered");
        assertEquals(200, served.status(), "fail open serves: " + served.body());
        proxy.pass();
        assertEquals(List.of(), store(moto.endpoint()).ledger(today()), "nothing could be written while it was down");
    }

    @Test
    void dynamoDbThrottlingIsRetriedAndNeverChargesTwice() {
        DynamoDbBudgetStore store = store(moto.endpoint());
        store.putLimit(new BudgetLimit("global", Money.nanos(new java.math.BigDecimal("10")), Period.DAILY, 0,
                "alert", false));
        Gateway gateway = gateway(budgetTables());
        proxy.throttle(0.2);
        int requests = 20;
        Map<Integer, Integer> statuses = new HashMap<>();
        for (int i = 0; i < requests; i++) {
            statuses.merge(post(gateway, "metered").status(), 1, Integer::sum);
        }
        assertTrue(proxy.throttled.get() > 0, "throttling was injected");
        assertEquals(Map.of(200, requests), statuses, "the SDK retries a throttled call: " + statuses);
        assertLedgerMatchesWindow(store, requests);

        proxy.throttle(1.0);
        long started = System.nanoTime();
        proxy.throttled.set(0);
        Answer refused = post(gateway(budgetTables()), "metered");
        assertEquals(503, refused.status(), refused.body());
        assertEquals("budget_store_unavailable", refused.code());
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("throttling: a request under constant throttling was refused after %d ms (%d calls "
                + "throttled)%n", tookMs, proxy.throttled.get());
        assertTrue(tookMs < 30_000, "refused within a client's patience, not after minutes: " + tookMs + " ms");
        proxy.pass();
        assertLedgerMatchesWindow(store, requests);
    }

    @Test
    void theEmulatorStoppedMidRunGivesA503NeverA500() throws Exception {
        try (MotoProcess dying = MotoProcess.start()) {
            DynamoDbClient client = GatewayFactory.dynamoDb(awsEnv(dying.endpoint()));
            BudgetTables own = new BudgetTables(client);
            DynamoDbBudgetStore store = new DynamoDbBudgetStore(() -> client, own.budgets, own.usage, own.state);
            store.putLimit(new BudgetLimit("global", Money.nanos(new java.math.BigDecimal("10")), Period.DAILY, 0,
                    "alert", false));
            Map<String, String> env = awsEnv(dying.endpoint());
            env.put("TOLLGATE_CONFIG", config.toString());
            env.putAll(own.environment());
            env.remove("TOLLGATE_KEYS_TABLE");
            Gateway gateway = GatewayFactory.fromEnvironment(env, new RequestLog(logs::add)).gateway();
            assertEquals(200, post(gateway, "metered").status());
            assertEquals(200, post(gateway, "metered").status());
            assertLedgerMatchesWindow(store, 2);

            dying.stop();
            for (int i = 0; i < 3; i++) {
                Answer answer = post(gateway, "metered");
                assertEquals(503, answer.status(), answer.body());
                assertEquals("budget_store_unavailable", answer.code());
            }
            client.close();
        }
    }

    private DynamoDbBudgetStore store(String endpoint) {
        return new DynamoDbBudgetStore(() -> GatewayFactory.dynamoDb(awsEnv(endpoint)), tables.budgets, tables.usage,
                tables.state);
    }

    private static String today() {
        return LocalDate.now(ZoneOffset.UTC).toString();
    }

    private static void assertLedgerMatchesWindow(DynamoDbBudgetStore store, int requests) {
        List<LedgerEntry> ledger = store.ledger(today());
        assertEquals(requests, ledger.size(), "one ledger item per request");
        assertEquals(requests, ledger.stream().map(LedgerEntry::requestId).distinct().count());
        long sum = ledger.stream().mapToLong(LedgerEntry::costNanos).sum();
        WindowState window = store.windows(Map.of("global", today())).get("global");
        assertEquals(sum, window.spentNanos(), "window spent == ledger sum: nothing charged twice");
        assertEquals(sum, window.committedNanos(), "no hold left behind");
        assertTrue(store.expired(Instant.now().plus(Duration.ofHours(1)), 10).isEmpty(), "no reservation dangling");
    }
}
