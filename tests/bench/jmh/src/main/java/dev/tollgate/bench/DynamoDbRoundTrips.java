package dev.tollgate.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.auth.CachedKeyStore;
import dev.tollgate.auth.GatewayKeys;
import dev.tollgate.auth.KeyStore;
import dev.tollgate.budget.Budgets;
import dev.tollgate.budget.PriceBookCostModel;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.config.GatewayKey;
import dev.tollgate.core.Gateway;
import dev.tollgate.core.GatewayFactory;
import dev.tollgate.core.GatewayRequest;
import dev.tollgate.core.GatewayResponse;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.log.RequestLog;
import dev.tollgate.pricing.PriceBook;
import dev.tollgate.providers.ChatCall;
import dev.tollgate.providers.ChatResult;
import dev.tollgate.providers.ChunkStream;
import dev.tollgate.providers.ProviderAdapter;
import dev.tollgate.providers.ProviderRegistry;
import dev.tollgate.providers.mock.MockAdapter;
import dev.tollgate.routing.CachedCooldownStore;
import dev.tollgate.routing.Sleeper;
import dev.tollgate.secrets.CredentialResolver;
import dev.tollgate.store.DynamoDbBudgetStore;
import dev.tollgate.store.DynamoDbCooldownStore;
import dev.tollgate.store.DynamoDbKeyStore;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Issue 5's benchmark: DynamoDB calls per request on the hot path, with every store on DynamoDB (keys, budgets and
 * ledger, cooldowns) against the emulator at {@code AWS_ENDPOINT_URL}. An SDK execution interceptor on the
 * benchmark's own client records each call in order; a wrapper around the provider marks where the provider call
 * falls, so each request splits into calls before it and after it. Calls from other threads (the reservation
 * janitor) are marked as background. Then the added latency per request: the same gateway on in-memory stores.
 *
 * <p>Prints a human summary on stderr and one JSON line on stdout. Usage: {@code DynamoDbRoundTrips [requests]}.
 */
public final class DynamoDbRoundTrips {

    private static final String PROVIDER = "|provider|";
    private static final List<String> EVENTS = Collections.synchronizedList(new ArrayList<>());
    private static volatile Thread requestThread;

    private DynamoDbRoundTrips() {
    }

    /** Counts SDK calls by operation, in order, as they are sent. */
    static final class Counter implements ExecutionInterceptor {
        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
            EVENTS.add(Thread.currentThread() == requestThread ? operation : "background:" + operation);
        }
    }

    /** The mock provider, marking in the event list where the provider call happens. */
    record Marked(ProviderAdapter delegate) implements ProviderAdapter {
        @Override
        public String type() {
            return delegate.type();
        }

        @Override
        public ChatResult complete(ChatCall call) {
            EVENTS.add(PROVIDER);
            return delegate.complete(call);
        }

        @Override
        public ChunkStream openStream(ChatCall call) {
            EVENTS.add(PROVIDER);
            return delegate.openStream(call);
        }
    }

    public static void main(String[] args) throws IOException {
        int measured = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        requestThread = Thread.currentThread();
        DynamoDbClient dynamo = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(URI.create(System.getenv("AWS_ENDPOINT_URL")))
                .overrideConfiguration(c -> c.addExecutionInterceptor(new Counter()))
                .build();
        String prefix = "tollgate-roundtrips-" + UUID.randomUUID();
        Map<String, String> tables = createTables(dynamo, prefix);
        Clock clock = Clock.systemUTC();
        RequestLog log = BenchGateway.discardingLog();
        GatewayConfig config = BenchGateway.config("mock", false);
        ProviderRegistry providers = new ProviderRegistry(List.of(new Marked(new MockAdapter(clock))));

        DynamoDbKeyStore keyTable = new DynamoDbKeyStore(() -> dynamo, tables.get("keys"));
        keyTable.put(new GatewayKey("bench", GatewayKeys.sha256(BenchGateway.KEY)), Instant.now());
        DynamoDbBudgetStore budgetStore = new DynamoDbBudgetStore(() -> dynamo, tables.get("budgets"),
                tables.get("usage"), tables.get("state"));
        BenchGateway.globalBudget(budgetStore);
        // Wired as GatewayFactory.fromEnvironment wires the DynamoDB stores, with this benchmark's client.
        KeyStore keys = KeyStore.of(config.keys()).orElse(new CachedKeyStore(keyTable,
                java.time.Duration.ofSeconds(60), java.time.Duration.ofSeconds(5), clock));
        Budgets budgets = new Budgets(budgetStore, new PriceBookCostModel(PriceBook.lookup()), clock, log, false);
        CachedCooldownStore cooldowns = new CachedCooldownStore(
                new DynamoDbCooldownStore(() -> dynamo, tables.get("state"), clock), java.time.Duration.ofSeconds(2),
                clock);
        Gateway gateway = new Gateway(config, new GatewayKeys(keys, clock), GatewayFactory.router(config, providers,
                new CredentialResolver(Map.of(), null, null), cooldowns, budgets, clock, new SplittableRandom(1),
                Sleeper.REAL, log), log);

        List<Map<String, Object>> rows = new ArrayList<>();
        rows.add(request(gateway, BenchGateway.BODY, "1st request (cold: key, limits, cooldown not cached)"));
        rows.add(request(gateway, BenchGateway.BODY, "2nd request (warm)"));
        rows.add(request(gateway, BenchGateway.STREAM_BODY, "streamed request (warm)"));

        Map<String, Double> byOperation = new LinkedHashMap<>();
        long before = 0;
        long after = 0;
        long start = System.nanoTime();
        for (int i = 0; i < measured; i++) {
            Map<String, Object> row = request(gateway, BenchGateway.BODY, "warm");
            before += (int) row.get("before");
            after += (int) row.get("after");
            @SuppressWarnings("unchecked")
            List<String> calls = (List<String>) row.get("calls");
            calls.forEach(c -> byOperation.merge(c.replace("before:", "").replace("after:", ""), 1.0, Double::sum));
        }
        double dynamoMs = (System.nanoTime() - start) / 1e6 / measured;
        byOperation.replaceAll((k, v) -> v / measured);
        int totalCalls = (int) (before + after);

        Gateway memory = BenchGateway.inMemory(BenchGateway.config("mock", true), new ProviderRegistry(
                List.of(new MockAdapter(clock))), true, log);
        for (int i = 0; i < 200; i++) {
            check(memory.handle(BenchGateway.chat(BenchGateway.BODY)));
        }
        start = System.nanoTime();
        for (int i = 0; i < measured; i++) {
            check(memory.handle(BenchGateway.chat(BenchGateway.BODY)));
        }
        double memoryMs = (System.nanoTime() - start) / 1e6 / measured;

        for (Map<String, Object> row : rows) {
            System.err.printf("%-55s before %s, after %s: %s%n", row.get("label"), row.get("before"),
                    row.get("after"), row.get("calls"));
        }
        System.err.printf("warm, %d requests: %.2f before, %.2f after per request; %s%n", measured,
                (double) before / measured, (double) after / measured, byOperation);
        System.err.printf("per request: DynamoDB stores on moto %.2f ms, in memory %.3f ms%n", dynamoMs, memoryMs);
        dropTables(dynamo, tables);

        ObjectNode out = JsonCodec.object();
        out.set("requests", JsonCodec.MAPPER.valueToTree(rows));
        out.put("measured", measured);
        out.put("warm_before", (double) before / measured);
        out.put("warm_after", (double) after / measured);
        out.set("warm_by_operation", JsonCodec.MAPPER.valueToTree(byOperation));
        out.put("dynamo_ms", dynamoMs);
        out.put("memory_ms", memoryMs);
        out.put("moto_call_ms", totalCalls == 0 ? 0 : (dynamoMs - memoryMs) * measured / totalCalls);
        System.out.println(JsonCodec.MAPPER.writeValueAsString(out));
    }

    /** One request through the gateway (a stream read to its end); its calls split at the provider call. */
    private static Map<String, Object> request(Gateway gateway, byte[] body, String label) throws IOException {
        EVENTS.clear();
        GatewayResponse response = gateway.handle(BenchGateway.chat(body));
        check(response);
        if (response instanceof GatewayResponse.Streamed streamed) {
            streamed.body().writeTo(new ByteArrayOutputStream());
        }
        List<String> events;
        synchronized (EVENTS) {
            events = new ArrayList<>(EVENTS);
        }
        int providerAt = events.indexOf(PROVIDER);
        List<String> sequence = new ArrayList<>();
        List<String> calls = new ArrayList<>();
        int before = 0;
        int after = 0;
        for (int i = 0; i < events.size(); i++) {
            String event = events.get(i);
            sequence.add(event.equals(PROVIDER) ? "[provider]" : event);
            if (event.equals(PROVIDER) || event.startsWith("background:")) {
                continue;
            }
            boolean isBefore = providerAt < 0 || i < providerAt;
            if (isBefore) {
                before++;
            } else {
                after++;
            }
            calls.add((isBefore ? "before:" : "after:") + event);
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("label", label);
        row.put("before", before);
        row.put("after", after);
        row.put("calls", calls);
        row.put("sequence", sequence);
        return row;
    }

    private static void check(GatewayResponse response) {
        if (response.status() != 200) {
            String body = response instanceof GatewayResponse.Buffered b ? new String(b.body()) : "";
            throw new IllegalStateException("the gateway answered " + response.status() + ": " + body);
        }
    }

    private static Map<String, String> createTables(DynamoDbClient dynamo, String prefix) {
        Map<String, String> tables = new LinkedHashMap<>();
        for (String name : List.of("keys", "budgets", "usage", "state")) {
            String table = prefix + "-" + name;
            boolean sortKey = name.equals("budgets") || name.equals("usage");
            List<AttributeDefinition> attributes = new ArrayList<>(List.of(AttributeDefinition.builder()
                    .attributeName("pk").attributeType(ScalarAttributeType.S).build()));
            List<KeySchemaElement> schema = new ArrayList<>(List.of(KeySchemaElement.builder()
                    .attributeName("pk").keyType(KeyType.HASH).build()));
            if (sortKey) {
                attributes.add(AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.S)
                        .build());
                schema.add(KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build());
            }
            List<GlobalSecondaryIndex> indexes = new ArrayList<>();
            if (name.equals("state")) {
                // The sparse index of reservations by expiry that the janitor queries (template.yaml).
                attributes.add(AttributeDefinition.builder().attributeName("expiryShard")
                        .attributeType(ScalarAttributeType.S).build());
                attributes.add(AttributeDefinition.builder().attributeName("expiresAt")
                        .attributeType(ScalarAttributeType.N).build());
                indexes.add(GlobalSecondaryIndex.builder().indexName("expiry").keySchema(
                                KeySchemaElement.builder().attributeName("expiryShard").keyType(KeyType.HASH).build(),
                                KeySchemaElement.builder().attributeName("expiresAt").keyType(KeyType.RANGE).build())
                        .projection(p -> p.projectionType(ProjectionType.ALL)).build());
            }
            dynamo.createTable(b -> {
                b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST).attributeDefinitions(attributes)
                        .keySchema(schema);
                if (!indexes.isEmpty()) {
                    b.globalSecondaryIndexes(indexes); // an empty list would be sent, and refused by DynamoDB
                }
            });
            tables.put(name, table);
        }
        return tables;
    }

    private static void dropTables(DynamoDbClient dynamo, Map<String, String> tables) {
        tables.values().forEach(table -> dynamo.deleteTable(b -> b.tableName(table)));
    }
}
