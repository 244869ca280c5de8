package dev.tollgate.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.budget.InMemoryBudgetStore;
import dev.tollgate.budget.LedgerEntry;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.log.RequestLog;
import dev.tollgate.reconcile.billing.BilledDay;
import dev.tollgate.reconcile.billing.BilledLine;
import dev.tollgate.reconcile.billing.BilledUsage;
import dev.tollgate.reconcile.billing.BillingException;
import dev.tollgate.reconcile.billing.BillingSource;
import dev.tollgate.reconcile.ledger.StoreLedgerTotals;
import dev.tollgate.reconcile.report.DriftMetrics;
import dev.tollgate.reconcile.store.Adjustment;
import dev.tollgate.reconcile.store.ReconciliationStore;
import dev.tollgate.reconcile.store.TrueUp;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The run over in-memory doubles: which providers get which lines, what is written, emitted and trued up. */
class ReconcilerTest {

    private static final LocalDate D1 = LocalDate.parse("2025-11-17");
    private static final LocalDate D2 = LocalDate.parse("2025-11-18");
    private static final LocalDate D3 = LocalDate.parse("2025-11-19");
    /** 06:00 on the 20th: the 19th ended 6 hours ago, inside a 24-hour lag window. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-11-20T06:00:00Z"), ZoneOffset.UTC);
    private static final Tolerance TOLERANCE = new Tolerance(BigDecimal.ONE, 10_000_000);

    private final InMemoryBudgetStore ledger = new InMemoryBudgetStore();
    private final Map<String, List<Reconciliation>> written = new HashMap<>();
    private final List<String> emitted = new ArrayList<>();
    private final List<String> logged = new ArrayList<>();
    private final List<String> trueUps = new ArrayList<>();
    private final ReconciliationStore store = (provider, day, rows, runId, at) -> written.put(provider + "/" + day, rows);
    private final TrueUp trueUp = (provider, day, drift, runId, at) -> {
        trueUps.add(provider + "/" + day + "/" + drift);
        return new Adjustment(provider, day, "provider#" + provider, day.toString(), 0, drift, drift, null);
    };

    private void meter(String provider, String model, LocalDate day, long nanos) {
        ledger.record(new LedgerEntry("req-" + provider + day + nanos + model, day.atTime(12, 0).toInstant(ZoneOffset.UTC),
                "key", null, null, "route", provider, model, 100, 10, 0, 0, nanos, false, 5, "ok", 200, 1));
    }

    private static BillingSource bill(String provider, Map<LocalDate, String> usdByDay) {
        return new BillingSource() {
            @Override
            public String provider() {
                return provider;
            }

            @Override
            public BilledUsage fetch(LocalDate from, LocalDate to) {
                Map<LocalDate, BilledDay> days = new HashMap<>();
                usdByDay.forEach((day, usd) -> days.put(day, new BilledDay(day, Map.of("gpt-4o-mini",
                        new BilledLine("gpt-4o-mini", new BigDecimal(usd), new TokenCounts(100, 10, 1))),
                        BigDecimal.ZERO)));
                return new BilledUsage(provider, days);
            }
        };
    }

    private Reconciler reconciler(List<BillingSource> sources, TrueUp withTrueUp) {
        return new Reconciler(sources, Map.of("anthropic", "no admin key: test"), new StoreLedgerTotals(ledger),
                store, withTrueUp, new DriftMetrics(emitted::add, CLOCK), TOLERANCE, Duration.ofHours(24), CLOCK,
                new RequestLog(logged::add));
    }

    private static Reconciliation total(ReconcileReport report, String provider, LocalDate day) {
        return report.rows().stream().filter(r -> r.isTotal() && r.provider().equals(provider) && r.day().equals(day))
                .findFirst().orElseThrow(() -> new AssertionError("no line for " + provider + " " + day));
    }

    @Test
    void everyProviderGetsItsVerdictPerDay() {
        meter("openai", "gpt-4o-mini-2024-07-18", D1, 1_000_000_000L);
        meter("openai", "gpt-4o-mini", D2, 1_000_000_000L);
        meter("openai", "gpt-4o-mini", D3, 1_000_000_000L);
        meter("bedrock", "anthropic.claude-3-haiku", D1, 7);
        meter("anthropic", "claude-sonnet-4-5", D2, 9);

        ReconcileReport report = reconciler(List.of(bill("openai", Map.of(D1, "1.00", D2, "1.50"))), null)
                .run(D1, D3, null, false);

        assertEquals(Status.MATCHED, total(report, "openai", D1).status(), "snapshot and alias meet");
        assertEquals(Status.DRIFT, total(report, "openai", D2).status());
        assertEquals(Status.PROVIDER_LAG, total(report, "openai", D3).status(), "the 19th is inside the lag window");
        Reconciliation bedrock = total(report, "bedrock", D1);
        assertEquals(Status.LEDGER_ONLY, bedrock.status());
        assertTrue(bedrock.reason().contains("no per-request billing API"), bedrock.reason());
        assertEquals(7, bedrock.ledgerNanos());
        assertEquals("no admin key: test", total(report, "anthropic", D2).reason());
        assertFalse(report.hasErrors());
        assertEquals(List.of("openai/" + D1, "openai/" + D2, "openai/" + D3),
                written.keySet().stream().filter(k -> k.startsWith("openai")).sorted().toList(),
                "every openai day is written, lines or none");
        assertEquals(2, emitted.size(), "metrics for final verdicts only: " + emitted);
    }

    @Test
    void anUnreadableBillingApiGivesErrorLinesAndWritesNothingForThatProvider() {
        meter("openai", "gpt-4o-mini", D1, 5);
        meter("bedrock", "m", D1, 5);
        BillingSource failing = new BillingSource() {
            @Override
            public String provider() {
                return "openai";
            }

            @Override
            public BilledUsage fetch(LocalDate from, LocalDate to) throws BillingException {
                throw new BillingException("GET /organization/costs answered 500: {}", 500, null);
            }
        };
        ReconcileReport report = reconciler(List.of(failing), trueUp).run(D1, D1, null, false);
        assertTrue(report.hasErrors());
        assertEquals(Status.ERROR, total(report, "openai", D1).status());
        assertFalse(written.containsKey("openai/" + D1), "an earlier verdict is not overwritten by a failure");
        assertTrue(written.containsKey("bedrock/" + D1), "other providers are still written");
        assertTrue(trueUps.isEmpty());
        assertTrue(logged.stream().anyMatch(l -> l.contains("billing API could not be read")), logged.toString());
    }

    @Test
    void trueUpFollowsFinalVerdictsOnly() {
        meter("openai", "gpt-4o-mini", D1, 1_000_000_000L);
        meter("openai", "gpt-4o-mini", D3, 1_000_000_000L);
        ReconcileReport report = reconciler(List.of(bill("openai", Map.of(D1, "1.25", D3, "0.10"))), trueUp)
                .run(D1, D3, null, false);
        assertEquals(List.of("openai/" + D1 + "/250000000"), trueUps, "the lagging 19th is not trued up");
        assertEquals(1, report.adjustments().size());
    }

    @Test
    void aDryRunWritesAndTruesUpNothing() {
        meter("openai", "gpt-4o-mini", D1, 1_000_000_000L);
        ReconcileReport report = reconciler(List.of(bill("openai", Map.of(D1, "2.00"))), trueUp)
                .run(D1, D1, null, true);
        assertEquals(Status.DRIFT, total(report, "openai", D1).status());
        assertTrue(written.isEmpty());
        assertTrue(trueUps.isEmpty());
        assertTrue(report.dryRun());
    }

    @Test
    void oneProviderOnlyWhenAsked() {
        meter("openai", "gpt-4o-mini", D1, 5);
        meter("bedrock", "m", D1, 5);
        ReconcileReport report = reconciler(List.of(bill("openai", Map.of())), null).run(D1, D1, "bedrock", false);
        assertTrue(report.rows().stream().allMatch(r -> r.provider().equals("bedrock")));
        assertThrows(IllegalArgumentException.class, () -> reconciler(List.of(), null).run(D2, D1, null, false));
    }

    @Test
    void driftMetricIsAnEmfDocumentWithTheProviderAndNoDimension() throws IOException {
        meter("openai", "gpt-4o-mini", D1, 1_000_000_000L);
        reconciler(List.of(bill("openai", Map.of(D1, "1.25"))), null).run(D1, D1, null, false);
        JsonNode doc = JsonCodec.parse(emitted.getFirst().getBytes(StandardCharsets.UTF_8));
        JsonNode directive = doc.at("/_aws/CloudWatchMetrics/0");
        assertEquals(CLOCK.millis(), doc.at("/_aws/Timestamp").asLong());
        assertEquals("Tollgate", directive.get("Namespace").asText());
        assertEquals("[[\"Provider\"],[]]", directive.get("Dimensions").toString());
        assertEquals("ReconciliationDriftPct", directive.at("/Metrics/0/Name").asText());
        assertEquals("Percent", directive.at("/Metrics/0/Unit").asText());
        assertEquals("openai", doc.get("Provider").asText());
        assertTrue(emitted.getFirst().contains("\"ReconciliationDriftPct\":20.0000"), emitted.getFirst());
        assertEquals(0, new BigDecimal("0.25").compareTo(doc.get("ReconciliationDriftUsd").decimalValue()));
    }
}
