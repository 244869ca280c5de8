package dev.tollgate.it;

import dev.tollgate.budget.BudgetLimit;
import dev.tollgate.budget.Money;
import dev.tollgate.budget.Period;
import dev.tollgate.budget.WindowState;
import dev.tollgate.fakes.FakeAnthropicBillingServer;
import dev.tollgate.fakes.FakeOpenAiBillingServer;
import dev.tollgate.log.RequestLog;
import dev.tollgate.reconcile.ReconcileCli;
import dev.tollgate.reconcile.ReconcileReport;
import dev.tollgate.reconcile.Reconciler;
import dev.tollgate.reconcile.ReconcilerFactory;
import dev.tollgate.reconcile.ReconcilerSettings;
import dev.tollgate.reconcile.Reconciliation;
import dev.tollgate.reconcile.Status;
import dev.tollgate.reconcile.ledger.DynamoDbLedgerTotals;
import dev.tollgate.reconcile.ledger.LedgerDay;
import dev.tollgate.reconcile.ledger.StoreLedgerTotals;
import dev.tollgate.reconcile.report.DriftMetrics;
import dev.tollgate.reconcile.report.ReportJson;
import dev.tollgate.reconcile.report.ReportMapper;
import dev.tollgate.reconcile.report.ReportTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.tollgate.it.ReconcileWorld.D1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static dev.tollgate.it.ReconcileWorld.D2;
import static dev.tollgate.it.ReconcileWorld.D3;
import static dev.tollgate.it.ReconcileWorld.D4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reconciler end to end on the emulator: the ledger the gateway's store wrote, the admin keys from Secrets
 * Manager, the fake billing APIs on loopback, the records in the usage table (see {@link ReconcileWorld}).
 */
class ReconcilerIntegrationTest {

    private static ReconcileWorld world;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void build() throws Exception {
        world = new ReconcileWorld();
    }

    @AfterAll
    static void tearDown() {
        if (world != null) {
            world.close();
        }
    }

    @BeforeEach
    void baseline() {
        world.publishBill();
        world.openai.forget();
        world.anthropic.forget();
    }

    private ReconcileReport run(Map<String, String> overrides, boolean dryRun) {
        Map<String, String> env = new HashMap<>(world.environment());
        env.putAll(overrides);
        Reconciler reconciler = ReconcilerFactory.fromEnvironment(env, ReconcilerSettings.from(env),
                ReconcileWorld.CLOCK, new RequestLog(lines::add), new DriftMetrics(lines::add, ReconcileWorld.CLOCK));
        return reconciler.run(D1, D4, null, dryRun);
    }

    private static Reconciliation line(ReconcileReport report, String provider, LocalDate day, String model) {
        return report.rows().stream().filter(r -> r.provider().equals(provider) && r.day().equals(day)
                        && java.util.Objects.equals(r.model(), model)).findFirst()
                .orElseThrow(() -> new AssertionError("no line " + provider + " " + day + " " + model + " in\n"
                        + ReportTable.render(report)));
    }

    @Test
    void everyStatusComesOutOfOneRunAndIsWritten() {
        ReconcileReport report = run(Map.of(), false);
        String table = ReportTable.render(report);

        Reconciliation openaiD1 = line(report, "openai", D1, null);
        assertEquals(Status.MATCHED, openaiD1.status(), table);
        assertEquals(8_880_000L, openaiD1.billedNanos(), "0.0006 + 0.00006 + 0.00072 + 0.0025 + 0.005 USD, exactly");
        assertEquals(0L, openaiD1.driftNanos());
        assertEquals(Status.MATCHED, line(report, "openai", D1, "gpt-4o-mini").status(),
                "the ledger's gpt-4o-mini meets the bill's gpt-4o-mini-2024-07-18");
        assertEquals(0L, line(report, "openai", D1, "gpt-4o-mini").promptTokenDrift());
        assertEquals(4L, line(report, "openai", D1, "gpt-4o-mini").billedTokens().requests());

        Reconciliation openaiD2 = line(report, "openai", D2, null);
        assertEquals(Status.DRIFT, openaiD2.status(), table);
        assertEquals(500_000L, openaiD2.driftNanos());
        assertEquals("3.2258", openaiD2.driftPct().toPlainString());
        assertEquals(50L, openaiD2.completionTokenDrift(), "billed 1050 completion tokens, metered 1000");

        assertEquals(Status.MISSING_DATA, line(report, "openai", D3, null).status(), table);
        assertEquals(Status.PROVIDER_LAG, line(report, "openai", D4, null).status(), table);

        Reconciliation anthropicD1 = line(report, "anthropic", D1, null);
        assertEquals(Status.MATCHED, anthropicD1.status(), table);
        assertEquals(2 * ReconcileWorld.SONNET_REQUEST_NANOS, anthropicD1.billedNanos(),
                "cents strings 0.84 + 0.03 + 0.075 + 1.2 are $0.02145 exactly");
        assertEquals(anthropicD1.ledgerTokens().promptTokens(), anthropicD1.billedTokens().promptTokens(),
                "uncached + cache reads + cache writes = the ledger's prompt tokens");

        Reconciliation anthropicD2 = line(report, "anthropic", D2, null);
        assertEquals(Status.DRIFT, anthropicD2.status(), table);
        assertEquals(10_000_000L, anthropicD2.driftNanos(), "one cent of web search the gateway never metered");
        assertEquals(Status.MATCHED, line(report, "anthropic", D2, "claude-sonnet-4-5").status());
        assertEquals(Status.DRIFT, line(report, "anthropic", D2, "(unattributed)").status());
        assertEquals(Status.MATCHED, line(report, "anthropic", D3, null).status(), table);
        assertEquals(Status.PROVIDER_LAG, line(report, "anthropic", D4, null).status(), table);

        Reconciliation bedrock = line(report, "bedrock", D1, null);
        assertEquals(Status.LEDGER_ONLY, bedrock.status());
        assertEquals(1_120_000L, bedrock.ledgerNanos());
        assertTrue(bedrock.reason().startsWith("Amazon Bedrock has no per-request billing API"), bedrock.reason());
        assertTrue(report.rows().stream().noneMatch(r -> r.provider() == null || r.provider().equals("null")));
        assertFalse(report.hasErrors());

        Map<String, Map<String, AttributeValue>> openai = world.records("openai");
        assertEquals(Set.of("2025-11-16", "2025-11-16#gpt-4o", "2025-11-16#gpt-4o-mini", "2025-11-17",
                "2025-11-17#gpt-4o", "2025-11-18", "2025-11-19"), openai.keySet());
        Map<String, AttributeValue> drift = openai.get("2025-11-17");
        assertEquals("drift", drift.get("status").s());
        assertEquals("0.0005", drift.get("driftUsd").n());
        assertEquals("500000", drift.get("driftNanos").n());
        assertEquals("0.0155", drift.get("billedUsd").n());
        assertEquals("0.015", drift.get("ledgerUsd").n());
        assertEquals(report.runId(), drift.get("runId").s());
        assertEquals("provider_lag", openai.get("2025-11-19").get("status").s());
        assertFalse(openai.get("2025-11-19").containsKey("billedNanos"));
        assertEquals("ledger_only", world.records("bedrock").get("2025-11-16").get("status").s());
    }

    @Test
    void reRunningReplacesEachDaysRecordsWithoutDuplicatesAndLateBucketsTurnLagIntoAVerdict() {
        ReconcileReport first = run(Map.of(), false);
        Map<String, Map<String, AttributeValue>> before = world.records("anthropic");
        assertEquals("provider_lag", before.get("2025-11-19").get("status").s());
        assertTrue(before.containsKey("2025-11-17#(unattributed)"));

        world.publishLateAnthropicBucket();
        // Anthropic also refunds the web search of the 17th: that line disappears from the bill.
        world.anthropic.unpublish(D2);
        world.sonnetDay(D2, 1);
        ReconcileReport second = run(Map.of(), false);

        Map<String, Map<String, AttributeValue>> after = world.records("anthropic");
        assertEquals("matched", after.get("2025-11-19").get("status").s(), "the late bucket arrived");
        assertEquals(Long.toString(2 * ReconcileWorld.SONNET_REQUEST_NANOS), after.get("2025-11-19").get("billedNanos").n());
        assertEquals("matched", after.get("2025-11-17").get("status").s());
        assertFalse(after.containsKey("2025-11-17#(unattributed)"), "a line gone from the bill is gone from the records");
        assertEquals(Set.of("2025-11-16", "2025-11-16#claude-sonnet-4-5", "2025-11-17", "2025-11-17#claude-sonnet-4-5",
                "2025-11-18", "2025-11-18#claude-sonnet-4-5", "2025-11-19", "2025-11-19#claude-sonnet-4-5"),
                after.keySet(), "one record per day and model, however often the day is reconciled");
        assertNotEquals(first.runId(), second.runId());
        after.values().forEach(item -> assertEquals(second.runId(), item.get("runId").s(), "every record replaced"));

        Map<String, Map<String, AttributeValue>> openaiBefore = world.records("openai");
        run(Map.of(), false);
        assertEquals(openaiBefore.keySet(), world.records("openai").keySet(), "an unchanged day is rewritten as is");
    }

    @Test
    void theClientPagesThroughEveryBucketWithTheDocumentedParameters() {
        run(Map.of(), true);
        List<FakeOpenAiBillingServer.Received> costs = world.openai.received(FakeOpenAiBillingServer.COSTS);
        assertEquals(4, costs.size(), "four one-bucket pages for four days");
        assertEquals(List.of("line_item", "project_id"), costs.getFirst().query().get("group_by[]"));
        assertEquals("1d", costs.getFirst().first("bucket_width"));
        assertEquals(Long.toString(D1.atStartOfDay(java.time.ZoneOffset.UTC).toEpochSecond()),
                costs.getFirst().first("start_time"));
        assertEquals(Long.toString(D4.plusDays(1).atStartOfDay(java.time.ZoneOffset.UTC).toEpochSecond()),
                costs.getFirst().first("end_time"));
        assertTrue(costs.get(1).first("page").startsWith("page_"), "the second page asks for next_page");
        assertEquals(List.of("model"),
                world.openai.received(FakeOpenAiBillingServer.COMPLETIONS).getFirst().query().get("group_by[]"));
        List<FakeAnthropicBillingServer.Received> report = world.anthropic.received(FakeAnthropicBillingServer.COST_REPORT);
        assertEquals(4, report.size());
        assertEquals("2025-11-16T00:00:00Z", report.getFirst().first("starting_at"));
        assertEquals("2025-11-20T00:00:00Z", report.getFirst().first("ending_at"));
        assertEquals(List.of("description"), report.getFirst().query().get("group_by[]"));
        assertEquals("2023-06-01", report.getFirst().headers().get("anthropic-version"));
        assertEquals(4, world.anthropic.received(FakeAnthropicBillingServer.MESSAGES_USAGE).size());
    }

    @Test
    void aDryRunReportsWithoutWriting() {
        String runBefore = world.records("openai").isEmpty() ? null
                : world.records("openai").values().iterator().next().get("runId").s();
        ReconcileReport report = run(Map.of(), true);
        assertTrue(report.dryRun());
        assertEquals(Status.DRIFT, line(report, "openai", D2, null).status());
        String runAfter = world.records("openai").isEmpty() ? null
                : world.records("openai").values().iterator().next().get("runId").s();
        assertEquals(runBefore, runAfter, "nothing was written");
    }

    @Test
    void rateLimitsAreRetriedAndAFailingBillingApiLeavesTheEarlierVerdictInPlace() {
        run(Map.of(), false);
        world.openai.fail(429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"param\":null,"
                + "\"code\":\"rate_limit_exceeded\"}}", "0");
        ReconcileReport retried = run(Map.of(), false);
        assertFalse(retried.hasErrors(), "a 429 with Retry-After: 0 is retried");

        for (int i = 0; i < 4; i++) {
            world.openai.fail(500, "{\"error\":{\"message\":\"boom for " + ReconcileWorld.OPENAI_ADMIN
                    + "\",\"type\":\"server_error\",\"param\":null,\"code\":null}}", "0");
        }
        ReconcileReport failed = run(Map.of(), false);
        assertTrue(failed.hasErrors());
        Reconciliation error = line(failed, "openai", D2, null);
        assertEquals(Status.ERROR, error.status());
        assertTrue(error.reason().contains("answered 500"), error.reason());
        assertTrue(error.reason().contains("[redacted]"), "the key echoed by the upstream is redacted: " + error.reason());
        assertEquals("drift", world.records("openai").get("2025-11-17").get("status").s(), "the earlier verdict stays");
        assertEquals(retried.runId(), world.records("openai").get("2025-11-17").get("runId").s());
        assertEquals(Status.MATCHED, line(failed, "anthropic", D1, null).status(), "other providers still run");
    }

    @Test
    void adminKeysNeverReachLogsMetricsOrReports() {
        world.anthropic.fail(401, "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":"
                + "\"invalid x-api-key " + ReconcileWorld.ANTHROPIC_ADMIN + "\"}}", null);
        ReconcileReport report = run(Map.of(), true);
        String everything = String.join("\n", lines) + ReportTable.render(report)
                + ReportMapper.write(ReportJson.of(report));
        assertFalse(everything.contains(ReconcileWorld.OPENAI_ADMIN));
        assertFalse(everything.contains(ReconcileWorld.ANTHROPIC_ADMIN));
        assertTrue(everything.contains("answered 401"), everything);
    }

    @Test
    void theCliPrintsTheTableForTheDaysAsked() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = ReconcileCli.run(new String[] {"--from", "2025-11-17", "--to", "2025-11-17", "--dry-run"},
                world.environment(), ReconcileWorld.CLOCK, new java.io.PrintStream(out, true, UTF_8),
                new java.io.PrintStream(err, true, UTF_8));
        String table = out.toString(UTF_8);
        assertEquals(0, code, err.toString(UTF_8));
        assertTrue(table.startsWith("Reconciliation 2025-11-17 .. 2025-11-17 (dry run: nothing written)"), table);
        assertTrue(table.contains("2025-11-17  openai     *"), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("2025-11-17  openai") && l.contains("drift")
                && l.contains("+0.0005") && l.contains("+3.2258")), table);
        assertTrue(table.contains("2025-11-17 openai: drift - the provider billed $0.0005 more than the gateway metered"),
                table);
        assertTrue(table.contains("2 drift"), table);
    }

    @Test
    void dailyAggregatesAgreeWithTheLedgerItemsTheyWereWrittenWith() {
        DynamoDbLedgerTotals aggregates = new DynamoDbLedgerTotals(() -> world.dynamo, world.tables.usage);
        StoreLedgerTotals items = new StoreLedgerTotals(world.store);
        for (LocalDate day : List.of(D1, D2, D3, D4)) {
            Map<String, LedgerDay> fromAggregates = aggregates.day(day);
            assertEquals(items.day(day), fromAggregates, "day " + day);
            assertFalse(fromAggregates.isEmpty());
        }
    }

    @Test
    void trueUpAddsEachDaysDriftToTheProviderWindowOnce() {
        world.store.putLimit(new BudgetLimit("provider#openai", Money.nanos(new java.math.BigDecimal("100")),
                Period.MONTHLY, 80, "alert", false));
        Map<String, String> trueUp = Map.of("TOLLGATE_RECONCILE_TRUE_UP", "true");

        ReconcileReport first = run(trueUp, false);
        WindowState window = world.store.windows(Map.of("provider#openai", "2025-11")).get("provider#openai");
        // 11-16 matched with no drift, 11-17 drifted +$0.0005; 11-18 (missing) and 11-19 (lag) are not final.
        assertEquals(500_000L, window.spentNanos());
        assertEquals(500_000L, window.committedNanos());
        assertTrue(first.adjustments().stream().anyMatch(a -> a.provider().equals("anthropic")
                && "no budget on provider#anthropic".equals(a.skipped())));

        run(trueUp, false);
        assertEquals(500_000L, world.store.windows(Map.of("provider#openai", "2025-11")).get("provider#openai")
                .spentNanos(), "a re-run adds nothing twice");

        // The provider revises the 17th upward by another $0.0002: only the difference is added.
        world.openai.cost(D2, "gpt-4o-2024-08-06, output", "proj_gateway", "0.0002");
        ReconcileReport third = run(trueUp, false);
        assertEquals(700_000L, world.store.windows(Map.of("provider#openai", "2025-11")).get("provider#openai")
                .spentNanos());
        assertTrue(third.adjustments().stream().anyMatch(a -> a.day().equals(D2) && a.appliedNanos() == 200_000L
                && a.previousNanos() == 500_000L));
        Map<String, AttributeValue> entry = world.dynamo.getItem(b -> b.tableName(world.tables.usage).key(Map.of(
                "pk", AttributeValue.fromS("adjust#openai"), "sk", AttributeValue.fromS("2025-11-17")))).item();
        assertEquals("700000", entry.get("appliedNanos").n());
        assertEquals("provider#openai", entry.get("scope").s());
        assertEquals("2025-11", entry.get("windowKey").s());
    }
}
