package dev.tollgate.it;

import dev.tollgate.auth.GatewayKeys;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.core.Gateway;
import dev.tollgate.core.GatewayFactory;
import dev.tollgate.core.GatewayRequest;
import dev.tollgate.core.GatewayResponse;
import dev.tollgate.fakes.FakeOpenAiServer;
import dev.tollgate.fakes.FakeOpenAiServer.Reply;
import dev.tollgate.log.RequestLog;
import dev.tollgate.routing.CachedCooldownStore;
import dev.tollgate.routing.RouteSwitch;
import dev.tollgate.routing.Sleeper;
import dev.tollgate.secrets.CredentialResolver;
import dev.tollgate.store.DynamoDbCooldownStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cooldowns shared through the DynamoDB state table: one gateway instance learns that a target is overloaded, a
 * second instance (another Lambda environment) skips it without trying. Against moto under ./tollgate test.
 */
class SharedCooldownIntegrationTest {

    private static final String KEY = "tg-cooldown-it";
    private static final String TABLE = "tollgate-it-state-" + UUID.randomUUID();
    private static DynamoDbClient dynamo;
    private static FakeOpenAiServer upstream;

    @BeforeAll
    static void createTable() {
        AwsTestEnvironment.require();
        dynamo = GatewayFactory.dynamoDb(System.getenv());
        dynamo.createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build()));
        upstream = FakeOpenAiServer.start();
    }

    @AfterAll
    static void dropTable() {
        if (upstream != null) {
            upstream.close();
        }
        if (dynamo != null) {
            dynamo.deleteTable(b -> b.tableName(TABLE));
            dynamo.close();
        }
    }

    private static Gateway instance(GatewayConfig config) {
        Clock clock = Clock.systemUTC();
        var store = new CachedCooldownStore(new DynamoDbCooldownStore(() -> dynamo, TABLE, clock),
                Duration.ofMillis(100), clock);
        RequestLog log = new RequestLog(line -> { });
        return new Gateway(config, GatewayFactory.router(config, GatewayFactory.providers(clock),
                new CredentialResolver(Map.of("K", "sk-it"), null, null), store, RouteSwitch.NONE, clock,
                new SplittableRandom(1), Sleeper.REAL, log), log);
    }

    private static GatewayResponse ask(Gateway gateway) {
        return gateway.handle(new GatewayRequest("POST", "/v1/chat/completions", Map.of("Authorization", "Bearer " + KEY),
                "{\"model\":\"shared\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> upstreamModels() {
        return upstream.requests().stream().map(r -> r.json().path("model").asText()).toList();
    }

    @Test
    void aTargetCooledByOneInstanceIsSkippedByAnother() {
        String yaml = """
                models:
                  - name: shared
                    policy: {retries: 0, cooldown_ms: 60000}
                    targets:
                      - {provider: openai, model: primary, base_url: %1$s, credential: env:K}
                      - {provider: openai, model: secondary, base_url: %1$s, credential: env:K}
                keys:
                  - {id: it, sha256: %2$s}
                """.formatted(upstream.baseUrl(), GatewayKeys.sha256(KEY));
        GatewayConfig config = ConfigLoader.validate(ConfigLoader.readRaw(yaml, "it"), "it");
        Gateway first = instance(config);
        Gateway second = instance(config);

        upstream.enqueueFor("primary", Reply.error(529, "overloaded_error", null, "Overloaded").header("retry-after", "30"));
        GatewayResponse fromFirst = ask(first);
        assertEquals(200, fromFirst.status());
        assertEquals(List.of("primary", "secondary"), upstreamModels());

        GatewayResponse fromSecond = ask(second);
        assertEquals(200, fromSecond.status());
        assertEquals("secondary", fromSecond.headers().get("x-tollgate-model"));
        assertEquals(List.of("primary", "secondary", "secondary"), upstreamModels(),
                "the second instance never tried the cooled target");

        var item = dynamo.getItem(b -> b.tableName(TABLE).key(Map.of("pk",
                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("cooldown#openai/primary@127.0.0.1:"
                        + upstream.port())))).item();
        Instant until = Instant.ofEpochMilli(Long.parseLong(item.get("until").n()));
        assertTrue(until.isAfter(Instant.now().plusSeconds(25)), "cooled for the provider's 30 s hint: " + until);
        assertTrue(item.containsKey("ttl"), "a TTL attribute lets DynamoDB clean the item up");
    }

    @Test
    void reArmingExtendsACooldownButNeverShortensIt() {
        Clock clock = Clock.systemUTC();
        DynamoDbCooldownStore store = new DynamoDbCooldownStore(() -> dynamo, TABLE, clock);
        Instant now = Instant.now();
        store.coolDown("t-extend", now.plusSeconds(60), "first");
        store.coolDown("t-extend", now.plusSeconds(10), "shorter");
        assertEquals(now.plusSeconds(60).toEpochMilli(), store.cooledUntil("t-extend", now).orElseThrow().toEpochMilli());
        store.coolDown("t-extend", now.plusSeconds(120), "longer");
        assertEquals(now.plusSeconds(120).toEpochMilli(), store.cooledUntil("t-extend", now).orElseThrow().toEpochMilli());
        assertTrue(store.cooledUntil("t-extend", now.plusSeconds(121)).isEmpty(), "reads check expiry themselves");
    }
}
