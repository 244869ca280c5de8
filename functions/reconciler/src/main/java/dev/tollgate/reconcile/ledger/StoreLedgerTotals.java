package dev.tollgate.reconcile.ledger;

import dev.tollgate.budget.BudgetStore;
import dev.tollgate.budget.LedgerEntry;
import dev.tollgate.reconcile.TokenCounts;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Totals summed from every ledger entry of the day ({@link BudgetStore#ledger}). Exact but reads each request's
 * item; the DynamoDB deployment reads the daily aggregates instead ({@link DynamoDbLedgerTotals}), which the same
 * transactions keep. Entries without a provider (no target answered) cost nothing and are left out.
 */
public final class StoreLedgerTotals implements LedgerTotals {

    private final BudgetStore store;

    public StoreLedgerTotals(BudgetStore store) {
        this.store = store;
    }

    @Override
    public Map<String, LedgerDay> day(LocalDate day) {
        Map<String, List<LedgerLine>> byProvider = new HashMap<>();
        for (LedgerEntry e : store.ledger(day.toString())) {
            if (e.provider() == null) {
                continue;
            }
            byProvider.computeIfAbsent(e.provider(), p -> new ArrayList<>()).add(new LedgerLine(e.model(),
                    e.costNanos(), new TokenCounts(e.promptTokens(), e.completionTokens(), 1)));
        }
        Map<String, LedgerDay> days = new HashMap<>();
        byProvider.forEach((provider, lines) -> days.put(provider, LedgerDay.of(provider, day, lines)));
        return days;
    }
}
