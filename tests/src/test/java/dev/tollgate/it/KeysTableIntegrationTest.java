package dev.tollgate.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.auth.GatewayKeys;
import dev.tollgate.budget.LedgerEntry;
import dev.tollgate.config.GatewayKey;
import dev.tollgate.core.GatewayFactory;
import dev.tollgate.fakes.FakeOpenAiServer;
import dev.tollgate.store.DynamoDbBudgetStore;
import dev.tollgate.store.DynamoDbKeyStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gateway keys kept in the DynamoDB keys table, through gateways built by {@link GatewayFactory#fromEnvironment}
 * on the emulator: they authenticate, revocation and expiry take effect within the key cache time, allowed models
 * are enforced before any provider call, and an rpm limit is one counter shared by every gateway instance.
 */
class KeysTableIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static DynamoDbClient dynamo;
    private static BudgetTables tables;
    private static DynamoDbKeyStore keys;
    private static FakeOpenAiServer upstream;
    private static String yaml;

    @BeforeAll
    static void setUp() {
        AwsTestEnvironment.require();
        dynamo = GatewayFactory.dynamoDb(System.getenv());
        tables = new BudgetTables(dynamo);
        keys = new DynamoDbKeyStore(() -> dynamo, tables.keys);
        upstream = FakeOpenAiServer.start();
        yaml = """
                models:
                  - name: cheap
                    policy: {retries: 0}
                    targets:
                      - {provider: openai, model: cheap-upstream, base_url: "%1$s", credential: "env:FAKE_OPENAI_KEY",
                         price: {input_per_mtok: "0.10", output_per_mtok: "0.40"}}
                  - name: dear
                    policy: {retries: 0}
                    targets:
                      - {provider: openai, model: dear-upstream, base_url: "%1$s", credential: "env:FAKE_OPENAI_KEY",
                         price: {input_per_mtok: "10.00", output_per_mtok: "40.00"}}
                """.formatted(upstream.baseUrl());
    }

    @AfterAll
    static void tearDown() {
        if (upstream != null) {
            upstream.close();
        }
        if (tables != null) {
            tables.close();
        }
    }

    @BeforeEach
    void freshUpstream() {
        upstream.reset();
    }

    private static EnvGateway gateway() {
        Map<String, String> env = new HashMap<>(tables.environment());
        env.put("TOLLGATE_KEY_CACHE_SECONDS", "1");
        env.put("FAKE_OPENAI_KEY", "sk-fake-upstream");
        return new EnvGateway(yaml, env);
    }

    /** A new key in the table; returns the plain key. */
    private static String storeKey(String id, Set<String> models, long rpm, Instant expires) {
        String plain = "tg-it-" + UUID.randomUUID();
        keys.put(new GatewayKey(id, GatewayKeys.sha256(plain), "it-team", "gold", models, rpm, 0, List.of(), false,
                expires), Instant.now());
        return plain;
    }

    private static String ask(String model) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    private static JsonNode error(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body()).get("error");
    }

    @Test
    void aKeyFromTheTableAuthenticatesAndCarriesItsTeamIntoTheLedger() {
        String key = storeKey("table-key", Set.of(), 0, null);
        try (EnvGateway gateway = gateway()) {
            HttpResponse<String> response = gateway.chat(key, ask("cheap"));
            assertEquals(200, response.statusCode(), response.body());
            assertEquals(401, gateway.chat("tg-not-a-key", ask("cheap")).statusCode());
        }
        List<LedgerEntry> ledger = new DynamoDbBudgetStore(() -> dynamo, tables.budgets, tables.usage, tables.state)
                .ledger(LocalDate.now(ZoneOffset.UTC).toString());
        assertTrue(ledger.stream().anyMatch(e -> "table-key".equals(e.keyId()) && "it-team".equals(e.team())),
                ledger.toString());
    }

    @Test
    void aRevokedKeyIsRefusedWithinTheKeyCacheTime() throws IOException, InterruptedException {
        String key = storeKey("to-revoke", Set.of(), 0, null);
        try (EnvGateway gateway = gateway()) {
            assertEquals(200, gateway.chat(key, ask("cheap")).statusCode(), "cached as valid now");
            assertEquals(1, keys.revoke("to-revoke"));
            long revokedAt = System.nanoTime();
            HttpResponse<String> refused = gateway.chat(key, ask("cheap"));
            while (refused.statusCode() == 200 && System.nanoTime() - revokedAt < Duration.ofSeconds(5).toNanos()) {
                Thread.sleep(100);
                refused = gateway.chat(key, ask("cheap"));
            }
            long tookMs = (System.nanoTime() - revokedAt) / 1_000_000;
            assertEquals(401, refused.statusCode(), refused.body());
            assertEquals("invalid_api_key", error(refused).get("code").asText());
            assertTrue(error(refused).get("message").asText().contains("revoked"), refused.body());
            assertTrue(tookMs <= 1_000 + 1_000, "refused " + tookMs + " ms after revocation; cache time is 1 s");
            System.out.println("revocation took effect after " + tookMs + " ms (TOLLGATE_KEY_CACHE_SECONDS=1)");
        }
    }

    @Test
    void anExpiredKeyIsRefusedEvenWhileCached() throws IOException, InterruptedException {
        String expired = storeKey("expired", Set.of(), 0, Instant.now().minusSeconds(60));
        String expiring = storeKey("expiring", Set.of(), 0, Instant.now().plusMillis(1500));
        try (EnvGateway gateway = gateway()) {
            HttpResponse<String> refused = gateway.chat(expired, ask("cheap"));
            assertEquals(401, refused.statusCode());
            assertTrue(error(refused).get("message").asText().contains("expired"), refused.body());
            assertEquals(200, gateway.chat(expiring, ask("cheap")).statusCode());
            Thread.sleep(1600);
            assertEquals(401, gateway.chat(expiring, ask("cheap")).statusCode(), "expiry is checked at every request");
        }
        assertEquals(1, upstream.requests().size(), "refused keys never reach a provider");
    }

    @Test
    void aKeyLimitedToSomeModelsGets403ForOthersBeforeAnyProviderCall() throws IOException {
        String key = storeKey("cheap-only", Set.of("cheap"), 0, null);
        try (EnvGateway gateway = gateway()) {
            HttpResponse<String> refused = gateway.chat(key, ask("dear"));
            assertEquals(403, refused.statusCode(), refused.body());
            assertEquals("model_not_allowed", error(refused).get("code").asText());
            assertEquals(0, upstream.requests().size(), "refused before any provider call");
            assertEquals(200, gateway.chat(key, ask("cheap")).statusCode());
            assertEquals(1, upstream.requests().size());
            assertEquals("cheap-upstream", upstream.lastRequest().json().get("model").asText());
        }
    }

    @Test
    void anRpmLimitIsSharedByTwoGatewayInstances() throws IOException, InterruptedException {
        String key = storeKey("rpm-limited", Set.of(), 3, null);
        // The counter is per wall-clock minute: start early in one, so that all four requests fall in it.
        long second = Instant.now().getEpochSecond() % 60;
        if (second > 45) {
            Thread.sleep((61 - second) * 1000);
        }
        try (EnvGateway first = gateway(); EnvGateway second2 = gateway()) {
            assertEquals(200, first.chat(key, ask("cheap")).statusCode());
            assertEquals(200, second2.chat(key, ask("cheap")).statusCode());
            assertEquals(200, first.chat(key, ask("cheap")).statusCode());
            HttpResponse<String> limited = second2.chat(key, ask("cheap"));
            assertEquals(429, limited.statusCode(), "the fourth request in the minute, whichever instance serves it");
            assertEquals("rate_limit_exceeded", error(limited).get("code").asText());
            assertEquals("3", limited.headers().firstValue("x-ratelimit-limit-requests").orElseThrow());
            assertEquals("0", limited.headers().firstValue("x-ratelimit-remaining-requests").orElseThrow());
            assertTrue(limited.headers().firstValue("x-ratelimit-reset-requests").orElseThrow().matches("\\d+s"));
            long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
        }
        assertEquals(3, upstream.requests().size(), "the limited request never reached the provider");
    }
}
