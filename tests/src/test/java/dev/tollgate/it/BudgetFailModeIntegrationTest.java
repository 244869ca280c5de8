package dev.tollgate.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.auth.GatewayKeys;
import dev.tollgate.budget.BudgetLimit;
import dev.tollgate.budget.Money;
import dev.tollgate.budget.Period;
import dev.tollgate.core.GatewayFactory;
import dev.tollgate.store.DynamoDbBudgetStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a gateway does when DynamoDB cannot be reached: hard budgets fail closed with 503 budget_store_unavailable
 * unless the gateway (TOLLGATE_BUDGET_FAIL_MODE) or the budget itself (failMode) says open; an unreadable keys table
 * is a 503 too, while keys from the config file keep working. The dead endpoint is a closed loopback port, or a
 * proxy to the emulator cut in the middle of the gateway's life.
 *
 * <p>Each refused DynamoDB call costs the AWS SDK's DynamoDB retries (9 attempts, about 6-7 s against a refused
 * connection), so these requests are slow by nature; the test prints how slow.
 */
class BudgetFailModeIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OPEN_KEY = "tg-fail-open-budget";
    private static final String CLOSED_KEY = "tg-fail-closed-budget";
    private static final String YAML = """
            models:
              - name: metered
                policy: {retries: 0}
                targets:
                  - {provider: mock, model: metered-mock, price: {input_per_mtok: "1.00", output_per_mtok: "1.00"}}
            keys:
              - {id: open-budget, sha256: %s}
              - {id: closed-budget, sha256: %s}
            """.formatted(GatewayKeys.sha256(OPEN_KEY), GatewayKeys.sha256(CLOSED_KEY));
    private static final String BODY = "{\"model\":\"metered\",\"max_tokens\":8,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @BeforeAll
    static void requireAws() {
        AwsTestEnvironment.require();
    }

    private static Map<String, String> deadAws(Map<String, String> variables) {
        Map<String, String> env = new HashMap<>(variables);
        env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:" + EnvGateway.closedPort());
        return env;
    }

    private static JsonNode error(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body()).get("error");
    }

    private static long timed(Runnable run) {
        long start = System.nanoTime();
        run.run();
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void byDefaultAnUnreachableBudgetsTableFailsClosedWith503() throws IOException {
        // The keys table is on the dead endpoint too: config-file keys are found first and never touch it.
        try (EnvGateway gateway = new EnvGateway(YAML, deadAws(Map.of("TOLLGATE_BUDGETS_TABLE", "tollgate-budgets",
                "TOLLGATE_KEYS_TABLE", "tollgate-keys")))) {
            HttpResponse<String>[] response = new HttpResponse[1];
            long ms = timed(() -> response[0] = gateway.chat(CLOSED_KEY, BODY));
            assertEquals(503, response[0].statusCode(), response[0].body());
            assertEquals("budget_store_unavailable", error(response[0]).get("code").asText());
            assertEquals("server_error", error(response[0]).get("type").asText());
            assertEquals("1", response[0].headers().firstValue("Retry-After").orElseThrow());
            assertTrue(gateway.log().stream().anyMatch(l -> l.contains("budget limits could not be read")));
            System.out.println("fail closed (unreachable DynamoDB) answered 503 after " + ms + " ms");
        }
    }

    @Test
    void failModeOpenLetsRequestsThroughAndLogsTheUnrecordedSpend() {
        try (EnvGateway gateway = new EnvGateway(YAML, deadAws(Map.of("TOLLGATE_BUDGETS_TABLE", "tollgate-budgets",
                "TOLLGATE_BUDGET_FAIL_MODE", "open")))) {
            HttpResponse<String>[] response = new HttpResponse[1];
            long ms = timed(() -> response[0] = gateway.chat(OPEN_KEY, BODY));
            assertEquals(200, response[0].statusCode(), response[0].body());
            assertTrue(gateway.log().stream().anyMatch(l -> l.contains("budget settlement failed")
                    && l.contains("\"cost_usd\"")), "the spend that could not be ledgered is in the log");
            System.out.println("fail open (unreachable DynamoDB) answered 200 after " + ms + " ms");
        }
    }

    @Test
    void anUnreachableKeysTableIs503ForKeysNotInTheConfig() throws IOException {
        try (EnvGateway gateway = new EnvGateway(YAML, deadAws(Map.of("TOLLGATE_KEYS_TABLE", "tollgate-keys")))) {
            HttpResponse<String> unknown = gateway.chat("tg-maybe-in-the-table", BODY);
            assertEquals(503, unknown.statusCode(), unknown.body());
            assertEquals("key_store_unavailable", error(unknown).get("code").asText());
            assertFalse(unknown.body().contains("127.0.0.1"), "the AWS failure stays out of the answer");
            assertEquals(200, gateway.chat(OPEN_KEY, BODY).statusCode(), "config keys need no table");
        }
    }

    @Test
    void eachBudgetsOwnFailModeGovernsWhenDynamoDbDropsMidLife() throws IOException {
        DynamoDbClient dynamo = GatewayFactory.dynamoDb(System.getenv());
        URI emulator = URI.create(System.getenv("AWS_ENDPOINT_URL"));
        try (BudgetTables tables = new BudgetTables(dynamo);
             CuttableProxy proxy = new CuttableProxy(emulator.getHost(), emulator.getPort())) {
            DynamoDbBudgetStore store = new DynamoDbBudgetStore(() -> dynamo, tables.budgets, tables.usage, tables.state);
            long ten = Money.nanos(BigDecimal.TEN);
            store.putLimit(new BudgetLimit("key#open-budget", ten, Period.DAILY, 0, "alert", true));
            store.putLimit(new BudgetLimit("key#closed-budget", ten, Period.DAILY, 0, "alert", false));
            Map<String, String> env = new HashMap<>(tables.environment());
            env.put("AWS_ENDPOINT_URL", proxy.endpoint());
            try (EnvGateway gateway = new EnvGateway(YAML, env)) {
                assertEquals(200, gateway.chat(OPEN_KEY, BODY).statusCode(), "reads and caches its limit");
                assertEquals(200, gateway.chat(CLOSED_KEY, BODY).statusCode());
                proxy.cut();
                assertEquals(200, gateway.chat(OPEN_KEY, BODY).statusCode(), "failMode open: served unmetered");
                HttpResponse<String> closed = gateway.chat(CLOSED_KEY, BODY);
                assertEquals(503, closed.statusCode(), "failMode closed: refused");
                assertEquals("budget_store_unavailable", error(closed).get("code").asText());
            }
        } finally {
            dynamo.close();
        }
    }
}
