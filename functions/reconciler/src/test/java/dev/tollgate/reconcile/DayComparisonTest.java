package dev.tollgate.reconcile;

import dev.tollgate.reconcile.billing.BilledDay;
import dev.tollgate.reconcile.billing.BilledLine;
import dev.tollgate.reconcile.ledger.LedgerDay;
import dev.tollgate.reconcile.ledger.LedgerLine;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DayComparisonTest {

    private static final LocalDate DAY = LocalDate.parse("2025-11-20");
    private static final Tolerance ONE_PCT_OR_CENT = new Tolerance(BigDecimal.ONE, 10_000_000);

    private static LedgerDay ledger(long... nanosPerModel) {
        List<LedgerLine> lines = new java.util.ArrayList<>();
        for (int i = 0; i < nanosPerModel.length; i++) {
            lines.add(new LedgerLine("model-" + i, nanosPerModel[i], new TokenCounts(1000, 100, 10)));
        }
        return LedgerDay.of("openai", DAY, lines);
    }

    private static Optional<BilledDay> bill(String... usdPerModel) {
        Map<String, BilledLine> models = new java.util.TreeMap<>();
        for (int i = 0; i < usdPerModel.length; i++) {
            models.put("model-" + i, new BilledLine("model-" + i, new BigDecimal(usdPerModel[i]),
                    new TokenCounts(1100, 100, 10)));
        }
        return Optional.of(new BilledDay(DAY, models, BigDecimal.ZERO));
    }

    private static Reconciliation total(List<Reconciliation> rows) {
        assertTrue(rows.getFirst().isTotal(), "the day's total comes first");
        return rows.getFirst();
    }

    @Test
    void equalTotalsMatchWithZeroDrift() {
        List<Reconciliation> rows = DayComparison.compare("openai", DAY, ledger(2_000_000_000L), bill("2.00"),
                false, ONE_PCT_OR_CENT);
        Reconciliation total = total(rows);
        assertEquals(Status.MATCHED, total.status());
        assertEquals(0L, total.driftNanos());
        assertEquals(0, total.driftPct().signum());
        assertNull(total.reason());
        assertEquals(2, rows.size(), "the total and one model line");
        assertEquals(100L, total.promptTokenDrift(), "token drift is billed minus metered");
    }

    @Test
    void driftWithinOnePercentMatchesAndBeyondItIsDrift() {
        // $10.00 metered: $10.09 billed is 0.89% of the bill; $10.20 billed is 1.96%.
        assertEquals(Status.MATCHED, total(DayComparison.compare("openai", DAY, ledger(10_000_000_000L),
                bill("10.09"), false, ONE_PCT_OR_CENT)).status());
        Reconciliation drift = total(DayComparison.compare("openai", DAY, ledger(10_000_000_000L), bill("10.20"),
                false, ONE_PCT_OR_CENT));
        assertEquals(Status.DRIFT, drift.status());
        assertEquals(200_000_000L, drift.driftNanos());
        assertEquals(new BigDecimal("1.9608"), drift.driftPct());
        assertEquals("the provider billed $0.2 more than the gateway metered", drift.reason());
    }

    @Test
    void aCentOnASmallDayIsWithinTheAbsoluteTolerance() {
        // 50% relative, but one cent absolute.
        assertEquals(Status.MATCHED, total(DayComparison.compare("openai", DAY, ledger(10_000_000L), bill("0.02"),
                false, ONE_PCT_OR_CENT)).status());
    }

    @Test
    void anOldDayWithTrafficAndNoBillIsMissingData() {
        List<Reconciliation> rows = DayComparison.compare("openai", DAY, ledger(5), Optional.empty(), false,
                ONE_PCT_OR_CENT);
        assertEquals(1, rows.size());
        assertEquals(Status.MISSING_DATA, rows.getFirst().status());
        assertNull(rows.getFirst().billedNanos());
    }

    @Test
    void aRecentDayWithNoBillIsProviderLag() {
        assertEquals(Status.PROVIDER_LAG, DayComparison.compare("openai", DAY, ledger(5), Optional.empty(), true,
                ONE_PCT_OR_CENT).getFirst().status());
    }

    @Test
    void aRecentDayBilledBelowTheLedgerIsLagButBilledAboveItIsDrift() {
        assertEquals(Status.PROVIDER_LAG, total(DayComparison.compare("openai", DAY, ledger(10_000_000_000L),
                bill("4.00"), true, ONE_PCT_OR_CENT)).status());
        assertEquals(Status.DRIFT, total(DayComparison.compare("openai", DAY, ledger(10_000_000_000L),
                bill("14.00"), true, ONE_PCT_OR_CENT)).status());
    }

    @Test
    void noTrafficAndNoBillGivesNoLine() {
        assertTrue(DayComparison.compare("openai", DAY, null, Optional.empty(), true, ONE_PCT_OR_CENT).isEmpty());
        assertTrue(DayComparison.compare("openai", DAY, null, Optional.empty(), false, ONE_PCT_OR_CENT).isEmpty());
    }

    @Test
    void billedCostTheGatewayNeverSawIsDriftOnItsOwnLine() {
        Map<String, BilledLine> models = Map.of("model-0", new BilledLine("model-0", new BigDecimal("1.00"), null));
        Optional<BilledDay> bill = Optional.of(new BilledDay(DAY, models, new BigDecimal("0.50")));
        List<Reconciliation> rows = DayComparison.compare("openai", DAY, ledger(1_000_000_000L), bill, false,
                ONE_PCT_OR_CENT);
        assertEquals(Status.DRIFT, total(rows).status());
        assertEquals(500_000_000L, total(rows).driftNanos());
        Reconciliation model = rows.get(1);
        assertEquals("model-0", model.model());
        assertEquals(Status.MATCHED, model.status());
        Reconciliation other = rows.get(2);
        assertEquals(ModelNames.UNATTRIBUTED, other.model());
        assertEquals(Status.DRIFT, other.status());
        assertNull(model.billedTokens(), "the bill had no tokens for it");
    }

    @Test
    void aModelOnOneSideOnlyGetsItsOwnLine() {
        List<Reconciliation> rows = DayComparison.compare("openai", DAY, ledger(1_000_000_000L, 3_000_000_000L),
                bill("1.00"), false, ONE_PCT_OR_CENT);
        Reconciliation unbilled = rows.stream().filter(r -> "model-1".equals(r.model())).findFirst().orElseThrow();
        assertEquals(Status.DRIFT, unbilled.status());
        assertEquals(0L, unbilled.billedNanos());
        assertEquals(new BigDecimal("-100.0000"), unbilled.driftPct(), "a zero bill is -100% when metered");
    }
}
