package dev.tollgate.reconcile.ledger;

import dev.tollgate.reconcile.ModelNames;
import dev.tollgate.reconcile.TokenCounts;

import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;

/** What the ledger metered for one provider on one UTC day, by canonical model name. */
public record LedgerDay(String provider, LocalDate day, Map<String, LedgerLine> models) {

    public LedgerDay {
        models = Map.copyOf(models);
    }

    public long costNanos() {
        return models.values().stream().mapToLong(LedgerLine::costNanos).sum();
    }

    public TokenCounts tokens() {
        return models.values().stream().map(LedgerLine::tokens).reduce(TokenCounts.ZERO, TokenCounts::plus);
    }

    /** Folds lines under their canonical model names (several snapshots of one model become one line). */
    public static LedgerDay of(String provider, LocalDate day, Iterable<LedgerLine> lines) {
        Map<String, LedgerLine> models = new TreeMap<>();
        for (LedgerLine line : lines) {
            String model = ModelNames.canonical(line.model());
            models.merge(model, new LedgerLine(model, line.costNanos(), line.tokens()), LedgerLine::plus);
        }
        return new LedgerDay(provider, day, models);
    }
}
