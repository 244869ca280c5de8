package dev.tollgate.reconcile;

import dev.tollgate.log.RequestLog;
import dev.tollgate.reconcile.report.DriftMetrics;
import dev.tollgate.reconcile.report.ReportJson;
import dev.tollgate.reconcile.report.ReportMapper;
import dev.tollgate.reconcile.report.ReportTable;

import java.io.PrintStream;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * {@code ./tollgate reconcile --from DATE --to DATE [--provider P] [--dry-run] [--json]}: the same run as the
 * scheduled Lambda, with the same environment, printing the report as a table (or JSON). Without dates, the
 * scheduled range. Exit status 0, 1 when a billing API (or AWS) could not be read, 2 for a usage error.
 */
public final class ReconcileCli {

    /** Parsed command line. */
    record Arguments(LocalDate from, LocalDate to, String provider, boolean dryRun, boolean json, boolean help) {
    }

    static final String USAGE = """
            Usage: ./tollgate reconcile [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--provider NAME] [--dry-run] [--json]

            Compares the gateway's usage ledger with the providers' billing for each day from --from to --to
            (both included; default: the TOLLGATE_RECONCILE_LOOKBACK_DAYS days before today) and prints the table.
            Writes the reconciliation records (and, with TOLLGATE_RECONCILE_TRUE_UP=true, budget true-ups) unless
            --dry-run. Reads the same environment as the Lambda: TOLLGATE_USAGE_TABLE, TOLLGATE_BUDGETS_TABLE,
            TOLLGATE_BILLING_SECRET (or OPENAI_ADMIN_KEY / ANTHROPIC_ADMIN_KEY), AWS_ENDPOINT_URL, ...
            See docs/reconciliation.md.
            """;

    private ReconcileCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), Clock.systemUTC(), System.out, System.err));
    }

    /** The CLI with its environment, clock and streams given (tests). */
    public static int run(String[] args, Map<String, String> env, Clock clock, PrintStream out, PrintStream err) {
        Arguments arguments;
        ReconcilerSettings settings;
        try {
            arguments = parse(args);
            if (arguments.help()) {
                out.print(USAGE);
                return 0;
            }
            settings = ReconcilerSettings.from(env);
        } catch (IllegalArgumentException e) {
            err.println("reconcile: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        LocalDate[] range = settings.defaultRange(clock.instant().atZone(ZoneOffset.UTC).toLocalDate());
        LocalDate from = arguments.from() != null ? arguments.from() : range[0];
        LocalDate to = arguments.to() != null ? arguments.to() : arguments.from() != null ? arguments.from() : range[1];
        if (to.isBefore(from)) {
            err.println("reconcile: --to " + to + " is before --from " + from);
            return 2;
        }
        RequestLog log = new RequestLog(err::println);
        ReconcileReport report;
        try {
            Reconciler reconciler = ReconcilerFactory.fromEnvironment(env, settings, clock, log,
                    DriftMetrics.none(clock));
            report = reconciler.run(from, to, arguments.provider(), arguments.dryRun());
        } catch (RuntimeException e) {
            // AWS and secret errors name the resource, never a key value; no stack trace for a user at a terminal.
            err.println("reconcile: failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return 1;
        }
        if (arguments.json()) {
            out.println(ReportMapper.write(ReportJson.of(report)));
        } else {
            out.print(ReportTable.render(report));
        }
        return report.hasErrors() ? 1 : 0;
    }

    static Arguments parse(String[] args) {
        LocalDate from = null;
        LocalDate to = null;
        String provider = null;
        boolean dryRun = false;
        boolean json = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--from" -> from = date(arg, value(args, ++i, arg));
                case "--to" -> to = date(arg, value(args, ++i, arg));
                case "--provider" -> provider = value(args, ++i, arg);
                case "--dry-run" -> dryRun = true;
                case "--json" -> json = true;
                case "-h", "--help" -> {
                    return new Arguments(null, null, null, false, false, true);
                }
                default -> throw new IllegalArgumentException("unknown argument: " + arg);
            }
        }
        return new Arguments(from, to, provider, dryRun, json, false);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static LocalDate date(String option, String text) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " must be a date like 2025-11-20, not '" + text + "'");
        }
    }
}
