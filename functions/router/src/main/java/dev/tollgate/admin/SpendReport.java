package dev.tollgate.admin;

import dev.tollgate.budget.LedgerEntry;
import dev.tollgate.budget.Money;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** Ledger entries summed per group (team, feature, model, key or provider), in exact nanodollars. */
final class SpendReport {

    static final List<String> DIMENSIONS = List.of("team", "feature", "model", "key", "provider");
    private static final String NONE = "(none)";

    /** The sums of one group. */
    static final class Totals {
        long requests;
        long promptTokens;
        long completionTokens;
        long cachedTokens;
        long costNanos;
        long estimated;

        void add(LedgerEntry e) {
            requests++;
            promptTokens += e.promptTokens();
            completionTokens += e.completionTokens();
            cachedTokens += e.cachedTokens();
            costNanos += e.costNanos();
            if (e.estimated()) {
                estimated++;
            }
        }
    }

    private final String dimension;
    private final Function<LedgerEntry, String> group;
    private final Map<String, Totals> groups = new HashMap<>();
    private final Totals total = new Totals();

    SpendReport(String dimension) {
        this.dimension = dimension;
        this.group = switch (dimension) {
            case "team" -> LedgerEntry::team;
            case "feature" -> LedgerEntry::feature;
            case "model" -> LedgerEntry::model;
            case "key" -> LedgerEntry::keyId;
            case "provider" -> LedgerEntry::provider;
            default -> throw new UsageException("--by must be one of " + String.join(", ", DIMENSIONS));
        };
    }

    void add(LedgerEntry entry) {
        String name = group.apply(entry);
        groups.computeIfAbsent(name == null || name.isBlank() ? NONE : name, g -> new Totals()).add(entry);
        total.add(entry);
    }

    Totals total() {
        return total;
    }

    Map<String, Totals> groups() {
        return groups;
    }

    /** Dearest group first; the total last. */
    void print(PrintStream out) {
        TextTable table = new TextTable().left(dimension.toUpperCase(Locale.ROOT)).right("REQUESTS").right("TOKENS IN")
                .right("TOKENS OUT").right("CACHED").right("COST $").right("SHARE");
        groups.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, Totals> e) -> e.getValue().costNanos).reversed()
                        .thenComparing(Map.Entry::getKey))
                .forEach(e -> table.row(row(e.getKey(), e.getValue())));
        table.row(row("TOTAL", total));
        table.print(out);
        if (total.estimated > 0) {
            out.println(total.estimated + " of these requests were charged from estimated usage (a stream that broke "
                    + "before its usage arrived).");
        }
    }

    private String[] row(String name, Totals t) {
        return new String[] {name, Long.toString(t.requests), Long.toString(t.promptTokens),
                Long.toString(t.completionTokens), Long.toString(t.cachedTokens), Money.format(t.costNanos),
                share(t.costNanos, total.costNanos)};
    }

    static String share(long part, long whole) {
        if (whole <= 0) {
            return "-";
        }
        return BigDecimal.valueOf(part).multiply(BigDecimal.valueOf(100))
                .divide(BigDecimal.valueOf(whole), 1, RoundingMode.HALF_EVEN).toPlainString() + "%";
    }
}
