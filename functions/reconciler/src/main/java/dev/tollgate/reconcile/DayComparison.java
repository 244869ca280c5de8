package dev.tollgate.reconcile;

import dev.tollgate.budget.Money;
import dev.tollgate.reconcile.billing.BilledDay;
import dev.tollgate.reconcile.billing.BilledLine;
import dev.tollgate.reconcile.ledger.LedgerDay;
import dev.tollgate.reconcile.ledger.LedgerLine;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The verdicts on one provider's day: the day's total first, then one line per model when the bill has the day.
 * Pure: the ledger's figures, the bill's (if any), whether the day is still within the provider's lag window.
 * <ul>
 *   <li>no bill and no traffic: no line; no bill, recent day: {@link Status#PROVIDER_LAG}; no bill, older day:
 *       {@link Status#MISSING_DATA}</li>
 *   <li>within tolerance: {@link Status#MATCHED}</li>
 *   <li>beyond it: {@link Status#DRIFT}, except a recent day billed below the ledger, which is
 *       {@link Status#PROVIDER_LAG} (its buckets are still filling); billed above the ledger is drift at once</li>
 * </ul>
 */
public final class DayComparison {

    private DayComparison() {
    }

    public static List<Reconciliation> compare(String provider, LocalDate day, LedgerDay ledger,
                                               Optional<BilledDay> bill, boolean recent, Tolerance tolerance) {
        long ledgerNanos = ledger == null ? 0 : ledger.costNanos();
        TokenCounts ledgerTokens = ledger == null ? TokenCounts.ZERO : ledger.tokens();
        List<Reconciliation> rows = new ArrayList<>();
        if (bill.isEmpty()) {
            if (ledger == null) {
                return rows;
            }
            if (recent) {
                rows.add(new Reconciliation(provider, day, null, Status.PROVIDER_LAG,
                        "no billing data for this day yet; it is still within the provider's lag window",
                        ledgerNanos, null, null, null, ledgerTokens, null));
            } else {
                rows.add(new Reconciliation(provider, day, null, Status.MISSING_DATA,
                        "the provider returned no billing data for this day, past its lag window", ledgerNanos,
                        null, null, null, ledgerTokens, null));
            }
            return rows;
        }
        BilledDay billed = bill.get();
        rows.add(verdict(provider, day, null, ledgerNanos, ledgerTokens, billed.totalUsd(), billed.tokens(),
                recent, tolerance));
        Map<String, LedgerLine> ledgerModels = ledger == null ? Map.of() : ledger.models();
        TreeSet<String> models = new TreeSet<>(ledgerModels.keySet());
        models.addAll(billed.models().keySet());
        for (String model : models) {
            LedgerLine metered = ledgerModels.get(model);
            BilledLine charged = billed.models().get(model);
            rows.add(verdict(provider, day, model, metered == null ? 0 : metered.costNanos(),
                    metered == null ? TokenCounts.ZERO : metered.tokens(),
                    charged == null ? BigDecimal.ZERO : charged.costUsd(), charged == null ? null : charged.tokens(),
                    recent, tolerance));
        }
        if (billed.unattributedUsd().signum() != 0) {
            rows.add(verdict(provider, day, ModelNames.UNATTRIBUTED, 0, TokenCounts.ZERO, billed.unattributedUsd(),
                    null, recent, tolerance));
        }
        return rows;
    }

    private static Reconciliation verdict(String provider, LocalDate day, String model, long ledgerNanos,
                                          TokenCounts ledgerTokens, BigDecimal billedUsd, TokenCounts billedTokens,
                                          boolean recent, Tolerance tolerance) {
        long billedNanos = BilledMoney.nanos(billedUsd);
        long drift = billedNanos - ledgerNanos;
        BigDecimal pct = BilledMoney.driftPct(drift, billedNanos);
        Status status;
        String reason;
        if (tolerance.within(drift, pct)) {
            status = Status.MATCHED;
            reason = null;
        } else if (recent && drift < 0) {
            status = Status.PROVIDER_LAG;
            reason = "billed $" + Money.format(-drift) + " less than metered so far; the day is still within the "
                    + "provider's lag window";
        } else {
            status = Status.DRIFT;
            reason = drift > 0
                    ? "the provider billed $" + Money.format(drift) + " more than the gateway metered"
                    : "the provider billed $" + Money.format(-drift) + " less than the gateway metered";
        }
        return new Reconciliation(provider, day, model, status, reason, ledgerNanos, billedNanos, drift, pct,
                ledgerTokens, billedTokens);
    }
}
