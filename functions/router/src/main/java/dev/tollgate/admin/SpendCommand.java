package dev.tollgate.admin;

import dev.tollgate.budget.LedgerEntry;
import dev.tollgate.store.DynamoDbBudgetStore;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;

/** {@code spend --by ...}: the usage ledger of some UTC days, summed per group. */
final class SpendCommand {

    static final String USAGE = """
              spend --by team|feature|model|key|provider [--from 2026-11-01] [--to 2026-11-30]
                                  Requests, tokens and exact cost per group from the usage ledger, with a total.
                                  Days are UTC and inclusive; --from defaults to today, --to to today.
            """;

    /** A report reads one ledger query per day and shard: keep it to about a year. */
    private static final long MAX_DAYS = 366;

    private SpendCommand() {
    }

    static void run(List<String> argv, AdminContext context) {
        Args args = Args.parse("spend", argv, Set.of("by", "from", "to"));
        String by = Inputs.oneOf("by", args.required("by"), SpendReport.DIMENSIONS);
        LocalDate today = LocalDate.ofInstant(context.clock.instant(), ZoneOffset.UTC);
        LocalDate from = args.optional("from").map(d -> Inputs.date("from", d)).orElse(today);
        LocalDate to = args.optional("to").map(d -> Inputs.date("to", d))
                .orElse(from.isAfter(today) ? from : today);
        if (to.isBefore(from)) {
            throw new UsageException("--to " + to + " is before --from " + from);
        }
        if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
            throw new UsageException("at most " + MAX_DAYS + " days per report, got " + from + " to " + to);
        }
        DynamoDbBudgetStore store = context.ledger(args);
        SpendReport report = new SpendReport(by);
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            for (LedgerEntry entry : store.ledger(day.toString())) {
                report.add(entry);
            }
        }
        context.out.println("Spend by " + by + ", " + (from.equals(to) ? from : from + " to " + to) + " (UTC), USD:");
        report.print(context.out);
    }
}
