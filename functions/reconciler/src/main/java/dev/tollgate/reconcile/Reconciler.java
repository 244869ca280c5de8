package dev.tollgate.reconcile;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.log.RequestLog;
import dev.tollgate.reconcile.billing.BilledUsage;
import dev.tollgate.reconcile.billing.BillingException;
import dev.tollgate.reconcile.billing.BillingSource;
import dev.tollgate.reconcile.ledger.LedgerDay;
import dev.tollgate.reconcile.ledger.LedgerTotals;
import dev.tollgate.reconcile.report.DriftMetrics;
import dev.tollgate.reconcile.store.Adjustment;
import dev.tollgate.reconcile.store.ReconciliationStore;
import dev.tollgate.reconcile.store.TrueUp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;

/**
 * One reconciliation run over a range of days: for each provider (those with a billing source, and every provider
 * the ledger saw), read the bill once for the whole range, compare it day by day with the ledger, write the
 * records, emit the drift metrics and, when enabled, true up the provider's budget window. A billing API that
 * cannot be read gives {@link Status#ERROR} lines and writes nothing for that provider, so a transient failure
 * never overwrites an earlier verdict.
 */
public final class Reconciler {

    private final Map<String, BillingSource> sources;
    private final Map<String, String> unavailable;
    private final LedgerTotals ledger;
    private final ReconciliationStore store;
    private final TrueUp trueUp;
    private final DriftMetrics metrics;
    private final Tolerance tolerance;
    private final Duration lag;
    private final Clock clock;
    private final RequestLog log;

    /**
     * @param unavailable providers that have a billing API but no admin key here, with the reason
     * @param trueUp      null when true-up is off
     */
    public Reconciler(List<BillingSource> sources, Map<String, String> unavailable, LedgerTotals ledger,
                      ReconciliationStore store, TrueUp trueUp, DriftMetrics metrics, Tolerance tolerance,
                      Duration lag, Clock clock, RequestLog log) {
        Map<String, BillingSource> byProvider = new LinkedHashMap<>();
        sources.forEach(s -> byProvider.put(s.provider(), s));
        this.sources = byProvider;
        this.unavailable = Map.copyOf(unavailable);
        this.ledger = ledger;
        this.store = store;
        this.trueUp = trueUp;
        this.metrics = metrics;
        this.tolerance = tolerance;
        this.lag = lag;
        this.clock = clock;
        this.log = log;
    }

    /** Reconciles {@code from} to {@code to} (both included), for one provider or (null) all. */
    public ReconcileReport run(LocalDate from, LocalDate to, String onlyProvider, boolean dryRun) {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("--to " + to + " is before --from " + from);
        }
        String runId = UUID.randomUUID().toString();
        Instant now = clock.instant();
        Map<LocalDate, Map<String, LedgerDay>> metered = new LinkedHashMap<>();
        TreeSet<String> providers = new TreeSet<>(sources.keySet());
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            Map<String, LedgerDay> totals = ledger.day(day);
            metered.put(day, totals);
            providers.addAll(totals.keySet());
        }
        List<Reconciliation> rows = new ArrayList<>();
        List<Adjustment> adjustments = new ArrayList<>();
        for (String provider : providers) {
            if (onlyProvider != null && !onlyProvider.equals(provider)) {
                continue;
            }
            BillingSource source = sources.get(provider);
            Optional<BilledUsage> bill = Optional.empty();
            String failure = null;
            if (source != null) {
                try {
                    bill = Optional.of(source.fetch(from, to));
                } catch (BillingException e) {
                    failure = e.getMessage();
                    ObjectNode event = log.event("ERROR", "billing API could not be read");
                    event.put("provider", provider);
                    event.put("error", e.getMessage());
                    log.write(event);
                }
            }
            for (LocalDate day : metered.keySet()) {
                LedgerDay dayLedger = metered.get(day).get(provider);
                List<Reconciliation> dayRows = new ArrayList<>();
                if (failure != null) {
                    rows.add(error(provider, day, dayLedger, failure));
                    continue;
                }
                if (source == null) {
                    if (dayLedger != null) {
                        dayRows.add(new Reconciliation(provider, day, null, Status.LEDGER_ONLY,
                                unavailable.getOrDefault(provider, LedgerOnly.reason(provider)),
                                dayLedger.costNanos(), null, null, null, dayLedger.tokens(), null));
                    }
                } else {
                    dayRows.addAll(DayComparison.compare(provider, day, dayLedger, bill.orElseThrow().day(day),
                            recent(day, now), tolerance));
                }
                if (!dryRun) {
                    store.replaceDay(provider, day, dayRows, runId, now);
                }
                rows.addAll(dayRows);
                for (Reconciliation row : dayRows) {
                    if (row.isTotal() && row.status().finalVerdict()) {
                        metrics.emit(row);
                        if (trueUp != null && !dryRun) {
                            adjustments.add(trueUp.apply(provider, day, row.driftNanos(), runId, now));
                        }
                    }
                }
            }
        }
        return new ReconcileReport(runId, now, from, to, dryRun, rows, adjustments);
    }

    /** Whether the provider may still be filling in this day's buckets. */
    boolean recent(LocalDate day, Instant now) {
        return now.isBefore(day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plus(lag));
    }

    private static Reconciliation error(String provider, LocalDate day, LedgerDay ledger, String failure) {
        return new Reconciliation(provider, day, null, Status.ERROR, "billing API: " + failure,
                ledger == null ? 0 : ledger.costNanos(), null, null, null,
                ledger == null ? TokenCounts.ZERO : ledger.tokens(), null);
    }
}
