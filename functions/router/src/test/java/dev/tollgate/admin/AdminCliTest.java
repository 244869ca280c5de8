package dev.tollgate.admin;

import dev.tollgate.budget.LedgerEntry;
import dev.tollgate.budget.Money;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin tool's command line, checks and reports, without AWS (the tests module runs it against the emulator). */
class AdminCliTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
    private static final Map<String, String> TABLES = Map.of("TOLLGATE_KEYS_TABLE", "k", "TOLLGATE_BUDGETS_TABLE", "b");

    private record Run(int code, String out, String err) {
    }

    private static Run run(Map<String, String> env, String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = AdminCli.run(List.of(argv), env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), CLOCK);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertUsageError(Run run, String expected) {
        assertEquals(2, run.code(), run.err());
        assertEquals("", run.out());
        assertEquals(1, run.err().lines().count(), "one line: " + run.err());
        assertTrue(run.err().contains(expected), run.err());
    }

    @Test
    void wrongCommandLinesExitWith2AndOneLine() {
        assertUsageError(run(TABLES, "keyz"), "unknown command 'keyz'");
        assertUsageError(run(TABLES, "keys"), "create, list, revoke");
        assertUsageError(run(TABLES, "keys", "create"), "needs --id");
        assertUsageError(run(TABLES, "keys", "create", "--id", "a b"), "--id must be");
        assertUsageError(run(TABLES, "keys", "create", "--id", "x", "--rpm", "-1"), "--rpm must be a whole number");
        assertUsageError(run(TABLES, "keys", "create", "--id", "x", "--colour", "red"), "unknown option --colour");
        assertUsageError(run(TABLES, "keys", "create", "--id", "x", "--id", "y"), "given twice");
        assertUsageError(run(TABLES, "keys", "create", "--id", "x", "--expires", "2026-11-01"), "not in the future");
        assertUsageError(run(TABLES, "keys", "create", "--id", "x", "--scopes", "team#a,bogus"), "'bogus' is not a budget scope");
        assertUsageError(run(TABLES, "budgets", "set", "--scope", "teams#x", "--limit-usd", "5", "--period", "daily"),
                "not a budget scope");
        assertUsageError(run(TABLES, "budgets", "set", "--scope", "team#", "--limit-usd", "5", "--period", "daily"),
                "not a budget scope");
        assertUsageError(run(TABLES, "budgets", "set", "--scope", "global", "--limit-usd", "5", "--period", "yearly"),
                "--period must be one of daily, weekly, monthly, total");
        assertUsageError(run(TABLES, "budgets", "set", "--scope", "global", "--limit-usd", "5", "--period", "daily",
                "--on-soft", "route:cheap"), "--on-soft needs a threshold");
        assertUsageError(run(TABLES, "budgets", "set", "--scope", "global", "--limit-usd", "5", "--period", "daily",
                "--soft-pct", "80", "--on-soft", "switch"), "--on-soft must be alert or route:");
        assertUsageError(run(TABLES, "budgets", "set", "--scope", "global", "--limit-usd", "5", "--period", "daily",
                "--soft-pct", "101"), "between 0 and 100");
        assertUsageError(run(TABLES, "spend", "--by", "colour"), "--by must be one of team, feature, model, key, provider");
        assertUsageError(run(TABLES, "spend", "--by", "team", "--from", "2026-11-20", "--to", "2026-11-19"),
                "is before --from");
        assertUsageError(run(TABLES, "spend", "--by", "team", "--from", "2024-01-01", "--to", "2026-01-01"),
                "at most 366 days");
    }

    @Test
    void aMissingTableNameSaysWhichVariableToSet() {
        assertUsageError(run(Map.of(), "keys", "list"), "pass --keys-table or set TOLLGATE_KEYS_TABLE");
        assertUsageError(run(Map.of(), "budgets", "show"), "pass --budgets-table or set TOLLGATE_BUDGETS_TABLE");
        assertUsageError(run(Map.of(), "spend", "--by", "team"), "pass --usage-table or set TOLLGATE_USAGE_TABLE");
    }

    @Test
    void helpGoesToStdoutWithExit0() {
        Run help = run(Map.of(), "budgets", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("budgets set --scope SCOPE --limit-usd 50"), help.out());
        assertEquals(2, run(Map.of()).code(), "no command at all is a usage error");
    }

    @Test
    void amountsAreParsedExactlyToTheNanodollar() {
        assertEquals(50_000_000_000L, Inputs.usdNanos("limit-usd", "50"));
        assertEquals(12_345_678_901L, Inputs.usdNanos("limit-usd", "12.345678901"));
        assertEquals(1L, Inputs.usdNanos("limit-usd", "0.000000001"));
        for (String bad : List.of("0.0000000001", "-5", "1e3", "5,00", "$5", "", "1000000000")) {
            assertThrows(UsageException.class, () -> Inputs.usdNanos("limit-usd", bad), bad);
        }
    }

    @Test
    void scopesFollowTheGatewaysSyntax() {
        for (String good : List.of("global", "key#alice", "team#search", "feature#chat-box", "provider#openai",
                "model#anthropic.claude-3-5-sonnet-20240620-v1:0")) {
            assertEquals(good, Inputs.scope(good));
        }
        for (String bad : List.of("Global", "team", "team#", "team#a b", "org#x", "key:alice", " global")) {
            assertThrows(UsageException.class, () -> Inputs.scope(bad), bad);
        }
    }

    @Test
    void newKeysAre256RandomBitsInBase64Url() {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String key = KeysCommand.newPlainKey();
            assertTrue(key.matches("tg-[A-Za-z0-9_-]{43}"), key);
            keys.add(key);
        }
        assertEquals(1000, keys.size());
    }

    private static LedgerEntry entry(String team, String model, long prompt, long completion, long cached,
                                     String costUsd, boolean estimated) {
        return new LedgerEntry("r-" + Math.random(), CLOCK.instant(), "key", team, null, "route", "openai", model,
                prompt, completion, cached, 0, Money.nanos(new BigDecimal(costUsd)), estimated, 10, "ok", 200, 1);
    }

    @Test
    void theSpendReportSumsExactlyAndSharesAddUp() {
        SpendReport report = new SpendReport("team");
        report.add(entry("search", "m", 100, 10, 50, "0.000000001", false));
        report.add(entry("search", "m", 200, 20, 0, "0.1", false));
        report.add(entry(null, "m", 1, 1, 0, "0.3", true));
        assertEquals(Money.nanos(new BigDecimal("0.400000001")), report.total().costNanos);
        assertEquals(2, report.groups().get("search").requests);
        assertEquals(300, report.groups().get("search").promptTokens);
        assertEquals(50, report.groups().get("search").cachedTokens);
        assertEquals(1, report.groups().get("(none)").requests);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        report.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(List.of("TEAM", "REQUESTS", "TOKENS", "IN", "TOKENS", "OUT", "CACHED", "COST", "$", "SHARE"),
                List.of(lines.get(0).split("\\s+")));
        assertEquals(List.of("(none)", "1", "1", "1", "0", "0.3", "75.0%"), List.of(lines.get(1).split("\\s+")),
                "dearest first");
        assertEquals(List.of("search", "2", "300", "30", "50", "0.100000001", "25.0%"), List.of(lines.get(2).split("\\s+")));
        assertEquals(List.of("TOTAL", "3", "301", "31", "50", "0.400000001", "100.0%"), List.of(lines.get(3).split("\\s+")));
        assertTrue(lines.get(4).startsWith("1 of these requests were charged from estimated usage"), lines.get(4));
        assertEquals(lines.get(0).length(), lines.get(3).length(), "columns aligned");
    }

    @Test
    void percentUsedIsNeverUnderstated() {
        assertEquals("100.0%", BudgetsCommand.percent(9_999, 10_000));
        assertEquals("0.1%", BudgetsCommand.percent(1, 10_000));
        assertEquals("0.0%", BudgetsCommand.percent(0, 10_000));
        assertEquals("-", BudgetsCommand.percent(0, 0));
    }
}
