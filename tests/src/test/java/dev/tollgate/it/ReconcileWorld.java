package dev.tollgate.it;

import dev.tollgate.budget.LedgerEntry;
import dev.tollgate.core.GatewayFactory;
import dev.tollgate.fakes.FakeAnthropicBillingServer;
import dev.tollgate.fakes.FakeOpenAiBillingServer;
import dev.tollgate.store.DynamoDbBudgetStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A world to reconcile: the four tables in the emulator, a ledger written through the gateway's own store, the
 * admin keys in a Secrets Manager secret, and fake OpenAI and Anthropic billing APIs publishing a realistic bill.
 * "Now" is 2025-11-20 06:00 UTC, so with a 24-hour lag window the 19th is recent and the 16th to 18th are not.
 * <pre>
 *            openai                         anthropic                          bedrock
 * 11-16      matched (2 models, snapshots)  matched (cents strings)            ledger only
 * 11-17      drift (+$0.0005, 3.2258%)      drift (web search, unattributed)
 * 11-18      missing data (no bucket)       matched
 * 11-19      provider lag (no bucket)       provider lag (half the bill so far)
 * </pre>
 * The bill is paged one bucket at a time, so every run follows next_page.
 */
final class ReconcileWorld implements AutoCloseable {

    static final String OPENAI_ADMIN = "sk-admin-it-" + UUID.randomUUID();
    static final String ANTHROPIC_ADMIN = "sk-ant-admin01-it-" + UUID.randomUUID();
    static final Clock CLOCK = Clock.fixed(Instant.parse("2025-11-20T06:00:00Z"), ZoneOffset.UTC);
    static final LocalDate D1 = LocalDate.parse("2025-11-16");
    static final LocalDate D2 = LocalDate.parse("2025-11-17");
    static final LocalDate D3 = LocalDate.parse("2025-11-18");
    static final LocalDate D4 = LocalDate.parse("2025-11-19");

    /** gpt-4o-mini: 1200 prompt tokens (200 cached), 300 completion at $0.15 / $0.075 / $0.60 per million. */
    static final long MINI_REQUEST_NANOS = 345_000;
    /** gpt-4o: 1000 prompt, 500 completion at $2.50 / $10.00 per million. */
    static final long GPT4O_REQUEST_NANOS = 7_500_000;
    /** claude-sonnet-4-5: 2000 prompt (1400 uncached, 500 cache reads, 100 5-minute writes), 400 completion. */
    static final long SONNET_REQUEST_NANOS = 10_725_000;

    final DynamoDbClient dynamo;
    final BudgetTables tables;
    final DynamoDbBudgetStore store;
    final SecretsManagerClient secrets;
    final String secretId = "tollgate-it/billing-" + UUID.randomUUID();
    final FakeOpenAiBillingServer openai;
    final FakeAnthropicBillingServer anthropic;
    private final AtomicInteger requests = new AtomicInteger();

    ReconcileWorld() throws IOException {
        AwsTestEnvironment.require();
        dynamo = GatewayFactory.dynamoDb(System.getenv());
        tables = new BudgetTables(dynamo);
        store = new DynamoDbBudgetStore(() -> dynamo, tables.budgets, tables.usage, tables.state);
        secrets = GatewayFactory.secretsManager(System.getenv());
        secrets.createSecret(b -> b.name(secretId).secretString("{\"openai_admin\":\"" + OPENAI_ADMIN
                + "\",\"anthropic_admin\":\"" + ANTHROPIC_ADMIN + "\"}"));
        openai = new FakeOpenAiBillingServer(OPENAI_ADMIN);
        anthropic = new FakeAnthropicBillingServer(ANTHROPIC_ADMIN);
        openai.pageSize(1);
        anthropic.pageSize(1);
        seedLedger();
        publishBill();
    }

    /** The environment the Lambda and the CLI read. Tolerance: 1% or a millionth of a dollar (small test days). */
    Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(tables.environment());
        env.put("TOLLGATE_BILLING_SECRET", secretId);
        env.put("TOLLGATE_OPENAI_ADMIN_URL", openai.baseUrl());
        env.put("TOLLGATE_ANTHROPIC_ADMIN_URL", anthropic.baseUrl());
        env.put("TOLLGATE_RECONCILE_TOLERANCE_USD", "0.000001");
        env.put("TOLLGATE_RECONCILE_LOOKBACK_DAYS", "4");
        env.remove("OPENAI_ADMIN_KEY");
        env.remove("ANTHROPIC_ADMIN_KEY");
        return env;
    }

    private void seedLedger() {
        for (int i = 0; i < 4; i++) {
            meter(D1, "openai", "gpt-4o-mini", 1200, 200, 300, MINI_REQUEST_NANOS);
        }
        meter(D1, "openai", "gpt-4o", 1000, 0, 500, GPT4O_REQUEST_NANOS);
        meter(D2, "openai", "gpt-4o", 1000, 0, 500, GPT4O_REQUEST_NANOS);
        meter(D2, "openai", "gpt-4o", 1000, 0, 500, GPT4O_REQUEST_NANOS);
        meter(D3, "openai", "gpt-4o-mini", 1200, 200, 300, MINI_REQUEST_NANOS);
        meter(D4, "openai", "gpt-4o-mini", 1200, 200, 300, MINI_REQUEST_NANOS);
        for (LocalDate day : List.of(D1, D1, D2, D3, D4, D4)) {
            meter(day, "anthropic", "claude-sonnet-4-5", 2000, 500, 400, SONNET_REQUEST_NANOS);
        }
        meter(D1, "bedrock", "anthropic.claude-3-5-haiku-20241022-v1:0", 900, 0, 100, 1_120_000);
        // A request no target answered: no provider, no cost; it must not show up anywhere.
        store.record(new LedgerEntry("req-it-unrouted", D1.atTime(9, 0).toInstant(ZoneOffset.UTC), "it-key", null,
                null, "r", null, null, 0, 0, 0, 0, 0, false, 3, "no_target", 503, 1));
    }

    private void meter(LocalDate day, String provider, String model, long prompt, long cached, long completion,
                       long nanos) {
        int n = requests.incrementAndGet();
        Instant at = day.atTime(1 + n % 20, n % 60).toInstant(ZoneOffset.UTC);
        store.record(new LedgerEntry("req-it-" + n, at, "it-key", "it-team", null, "route", provider, model,
                prompt, completion, cached, provider.equals("anthropic") ? 100 : 0, nanos, false, 420, "ok", 200, 1));
    }

    /** The baseline bill described above. */
    void publishBill() {
        for (LocalDate day : List.of(D1, D2, D3, D4)) {
            openai.unpublish(day);
            anthropic.unpublish(day);
        }
        openai.cost(D1, "gpt-4o-mini-2024-07-18, input", "proj_gateway", "0.0006")
                .cost(D1, "gpt-4o-mini-2024-07-18, cached input", "proj_gateway", "0.00006")
                .cost(D1, "gpt-4o-mini-2024-07-18, output", "proj_gateway", "0.00072")
                .cost(D1, "gpt-4o-2024-08-06, input", "proj_gateway", "0.0025")
                .cost(D1, "gpt-4o-2024-08-06, output", "proj_gateway", "0.005")
                .usage(D1, "gpt-4o-mini-2024-07-18", "proj_gateway", 4800, 800, 1200, 4)
                .usage(D1, "gpt-4o-2024-08-06", "proj_gateway", 1000, 0, 500, 1);
        openai.cost(D2, "gpt-4o-2024-08-06, input", "proj_gateway", "0.005")
                .cost(D2, "gpt-4o-2024-08-06, output", "proj_gateway", "0.0105")
                .usage(D2, "gpt-4o-2024-08-06", "proj_gateway", 2000, 0, 1050, 2);
        // 11-18 and 11-19: no OpenAI bucket at all.
        sonnetDay(D1, 2);
        sonnetDay(D2, 1);
        anthropic.webSearchCost(D2, null, "1.0");
        sonnetDay(D3, 1);
        sonnetDay(D4, 1); // two requests metered, one billed so far
    }

    /** The rest of 11-19 arrives late at Anthropic: the day's bill becomes whole. */
    void publishLateAnthropicBucket() {
        sonnetDay(D4, 1);
    }

    /** Anthropic's side of {@code n} sonnet requests: cents strings by token type, as the cost report splits them. */
    void sonnetDay(LocalDate day, int n) {
        anthropic.tokenCost(day, "claude-sonnet-4-5-20250929", "uncached_input_tokens", null, cents("0.42", n))
                .tokenCost(day, "claude-sonnet-4-5-20250929", "cache_read_input_tokens", null, cents("0.015", n))
                .tokenCost(day, "claude-sonnet-4-5-20250929", "cache_creation.ephemeral_5m_input_tokens", null,
                        cents("0.0375", n))
                .tokenCost(day, "claude-sonnet-4-5-20250929", "output_tokens", null, cents("0.6", n))
                .usage(day, "claude-sonnet-4-5-20250929", null, 1400L * n, 500L * n, 100L * n, 0, 400L * n);
    }

    private static String cents(String perRequest, int n) {
        return new java.math.BigDecimal(perRequest).multiply(java.math.BigDecimal.valueOf(n)).toPlainString();
    }

    /** The reconciliation records of a provider, by sort key. */
    Map<String, Map<String, AttributeValue>> records(String provider) {
        Map<String, Map<String, AttributeValue>> records = new TreeMap<>();
        dynamo.query(b -> b.tableName(tables.usage).consistentRead(true).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("recon#" + provider))))
                .items().forEach(item -> records.put(item.get("sk").s(), item));
        return records;
    }

    @Override
    public void close() {
        openai.close();
        anthropic.close();
        secrets.deleteSecret(b -> b.secretId(secretId).forceDeleteWithoutRecovery(true));
        secrets.close();
        tables.close();
    }
}
