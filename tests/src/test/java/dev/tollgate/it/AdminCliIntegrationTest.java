package dev.tollgate.it;

import dev.tollgate.admin.AdminCli;
import dev.tollgate.auth.GatewayKeys;
import dev.tollgate.budget.LedgerEntry;
import dev.tollgate.budget.Money;
import dev.tollgate.budget.Period;
import dev.tollgate.budget.Reservation;
import dev.tollgate.budget.ReservationRefused;
import dev.tollgate.budget.WindowState;
import dev.tollgate.core.GatewayFactory;
import dev.tollgate.store.DynamoDbBudgetStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin tool end to end on the emulator, as an operator uses it: create a key, call the gateway with it, set a
 * budget, read the budget's window and the spend report, which must equal the ledger to the nanodollar; revoke the
 * key; and AWS failures are one line with exit code 1.
 */
class AdminCliIntegrationTest {

    private static DynamoDbClient dynamo;
    private static BudgetTables tables;

    private record Run(int code, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    @BeforeAll
    static void setUp() {
        AwsTestEnvironment.require();
        dynamo = GatewayFactory.dynamoDb(System.getenv());
        tables = new BudgetTables(dynamo);
    }

    @AfterAll
    static void tearDown() {
        if (tables != null) {
            tables.close();
        }
    }

    private static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(tables.environment());
        return env;
    }

    private static Run admin(Map<String, String> env, String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = AdminCli.run(List.of(argv), env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Clock.systemUTC());
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Run admin(String... argv) {
        Run run = admin(environment(), argv);
        assertEquals(0, run.code(), String.join(" ", argv) + " failed: " + run.err());
        return run;
    }

    /** The cells of the table row that starts with {@code first}. */
    private static List<String> row(Run run, String first) {
        return run.lines().stream().map(l -> Arrays.asList(l.trim().split("\\s{2,}")))
                .filter(cells -> cells.getFirst().equals(first)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + first + " in:\n" + run.out()));
    }

    @Test
    void anOperatorCreatesAKeySetsABudgetAndReadsSpendThatEqualsTheLedger() throws Exception {
        Run created = admin("keys", "create", "--id", "cli-user", "--team", "cli-team", "--tier", "gold",
                "--models", "metered", "--rpm", "100");
        String key = created.out().strip();
        assertTrue(key.matches("tg-[A-Za-z0-9_-]{43}"), "stdout is the key alone: " + created.out());
        assertTrue(created.err().contains("only time the key is shown"), created.err());
        String hash = GatewayKeys.sha256(key);

        Run listed = admin("keys", "list");
        assertEquals(List.of("cli-user", "cli-team", "gold", "metered", "100", "-", "-", "active", "-",
                hash.substring(0, 8)), row(listed, "cli-user"));
        assertFalse(listed.out().contains(key), "the plain key is never shown again");
        assertFalse(listed.out().contains(hash.substring(0, 9)), "nor more than 8 characters of its hash");

        admin("budgets", "set", "--scope", "team#cli-team", "--limit-usd", "2.5", "--period", "monthly",
                "--soft-pct", "80", "--on-soft", "route:cheaper");
        String yaml = """
                models:
                  - name: metered
                    policy: {retries: 0}
                    targets:
                      - {provider: mock, model: metered-mock, price: {input_per_mtok: "3.00", output_per_mtok: "15.00"}}
                """;
        Map<String, String> env = new HashMap<>(tables.environment());
        env.put("TOLLGATE_KEY_CACHE_SECONDS", "1");
        try (EnvGateway gateway = new EnvGateway(yaml, env)) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> response = gateway.chat(key, "{\"model\":\"metered\",\"max_tokens\":50,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"request " + i + "\"}]}");
                assertEquals(200, response.statusCode(), response.body());
                assertEquals("team#cli-team", response.headers().firstValue("x-tollgate-budget-scope").orElseThrow());
            }

            DynamoDbBudgetStore store = new DynamoDbBudgetStore(() -> dynamo, tables.budgets, tables.usage,
                    tables.state);
            List<LedgerEntry> ledger = store.ledger(LocalDate.now(ZoneOffset.UTC).toString());
            long ledgerNanos = ledger.stream().mapToLong(LedgerEntry::costNanos).sum();
            long prompt = ledger.stream().mapToLong(LedgerEntry::promptTokens).sum();
            long completion = ledger.stream().mapToLong(LedgerEntry::completionTokens).sum();
            assertEquals(3, ledger.size());
            assertTrue(ledgerNanos > 0);

            Run spend = admin("spend", "--by", "team");
            assertEquals(List.of("TOTAL", "3", Long.toString(prompt), Long.toString(completion), "0",
                    Money.format(ledgerNanos), "100.0%"), row(spend, "TOTAL"), "spend totals equal the ledger");
            assertEquals(List.of("cli-team", "3", Long.toString(prompt), Long.toString(completion), "0",
                    Money.format(ledgerNanos), "100.0%"), row(spend, "cli-team"));
            assertEquals(Money.format(ledgerNanos), row(admin("spend", "--by", "key"), "cli-user").get(5));
            assertEquals("metered-mock", row(admin("spend", "--by", "model"), "metered-mock").getFirst());

            Run shown = admin("budgets", "show", "--scope", "team#cli-team");
            String used = BudgetsCommandPercent.of(ledgerNanos, Money.nanos(new BigDecimal("2.5")));
            assertEquals(List.of("team#cli-team", "monthly", Period.MONTHLY.windowKey(Instant.now()), "2.5",
                    Money.format(ledgerNanos), "0", Money.format(ledgerNanos),
                    Money.format(Money.nanos(new BigDecimal("2.5")) - ledgerNanos), used,
                    "80% route:cheaper", "closed"), row(shown, "team#cli-team"), "the window equals the ledger");

            Run revoked = admin("keys", "revoke", "--id", "cli-user");
            assertTrue(revoked.out().startsWith("Revoked key 'cli-user'"), revoked.out());
            assertEquals("revoked", row(admin("keys", "list"), "cli-user").get(7));
            Thread.sleep(1_100);   // the gateway's key cache time
            assertEquals(401, gateway.chat(key, "{\"model\":\"metered\",\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"again\"}]}").statusCode());
        }
    }

    @Test
    void releaseStaleGivesBackHoldsOfInvocationsThatDied() throws ReservationRefused {
        DynamoDbBudgetStore store = new DynamoDbBudgetStore(() -> dynamo, tables.budgets, tables.usage, tables.state);
        store.reserve(new Reservation("cli-died#1", "cli-died", List.of(new Reservation.Charge("feature#stale-cli",
                "total", 1_000_000, 400, null)), List.of(), 400, Instant.now().minusSeconds(5)));
        assertEquals(400, store.windows(Map.of("feature#stale-cli", "total")).get("feature#stale-cli").reservedNanos());
        assertEquals("Released 1 stale reservation.", admin("budgets", "release-stale").out().strip());
        assertEquals(new WindowState(0, 0, 0, 1), store.windows(Map.of("feature#stale-cli", "total"))
                .get("feature#stale-cli"));
        assertEquals("Released 0 stale reservations.", admin("budgets", "release-stale").out().strip());
    }

    @Test
    void anUnreadableLimitItemIsFlaggedByShow() {
        dynamo.putItem(b -> b.tableName(tables.budgets).item(Map.of(
                "pk", AttributeValue.fromS("team#typo"),
                "sk", AttributeValue.fromS("limit"),
                "limitUsd", AttributeValue.fromS("50 dollars"),
                "period", AttributeValue.fromS("monthly"))));
        Run shown = admin("budgets", "show");
        assertTrue(shown.out().contains("warning: the limit item of team#typo cannot be read"), shown.out());
    }

    @Test
    void awsFailuresAreOneLineWithExitCode1() {
        Map<String, String> dead = environment();
        dead.put("AWS_ENDPOINT_URL", "http://127.0.0.1:" + EnvGateway.closedPort());
        Run unreachable = admin(dead, "keys", "list");
        assertEquals(1, unreachable.code());
        assertEquals("", unreachable.out());
        assertEquals(1, unreachable.err().lines().count(), unreachable.err());
        assertTrue(unreachable.err().startsWith("tollgate: AWS could not be reached:"), unreachable.err());

        Run missing = admin(environment(), "spend", "--by", "team", "--usage-table", "no-such-table");
        assertEquals(1, missing.code());
        assertEquals(1, missing.err().lines().count(), missing.err());
        assertTrue(missing.err().contains("ResourceNotFoundException"), missing.err());
        assertFalse(missing.err().contains("\tat "), "no stack trace");
    }

    /** The percentage {@code budgets show} prints: committed over limit, one decimal, rounded up. */
    private static final class BudgetsCommandPercent {
        static String of(long committed, long limit) {
            return BigDecimal.valueOf(committed).multiply(BigDecimal.valueOf(100))
                    .divide(BigDecimal.valueOf(limit), 1, RoundingMode.CEILING).toPlainString() + "%";
        }
    }
}
