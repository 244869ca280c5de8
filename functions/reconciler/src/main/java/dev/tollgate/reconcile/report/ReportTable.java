package dev.tollgate.reconcile.report;

import dev.tollgate.budget.Money;
import dev.tollgate.reconcile.ReconcileReport;
import dev.tollgate.reconcile.Reconciliation;
import dev.tollgate.reconcile.Status;
import dev.tollgate.reconcile.TokenCounts;
import dev.tollgate.reconcile.store.Adjustment;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/** The report as a plain-text table for a terminal: one line per provider-day and per model, then the reasons. */
public final class ReportTable {

    private static final String[] HEADER = {"DAY", "PROVIDER", "MODEL", "STATUS", "LEDGER USD", "BILLED USD",
            "DRIFT USD", "DRIFT %", "PROMPT TOK L/B", "COMPL TOK L/B"};
    private static final boolean[] RIGHT = {false, false, false, false, true, true, true, true, true, true};

    private ReportTable() {
    }

    public static String render(ReconcileReport report) {
        List<String[]> lines = new ArrayList<>();
        lines.add(HEADER);
        List<String> notes = new ArrayList<>();
        for (Reconciliation r : report.rows()) {
            lines.add(new String[] {r.day().toString(), r.provider(), r.model() == null ? "*" : "  " + r.model(),
                    r.status().label(), Money.format(r.ledgerNanos()),
                    r.billedNanos() == null ? "-" : Money.format(r.billedNanos()),
                    r.driftNanos() == null ? "-" : signed(r.driftNanos()),
                    r.driftPct() == null ? "-" : (r.driftPct().signum() > 0 ? "+" : "") + r.driftPct().toPlainString(),
                    tokens(r.ledgerTokens(), r.billedTokens(), true), tokens(r.ledgerTokens(), r.billedTokens(), false)});
            if (r.reason() != null && (r.isTotal() || r.status() != Status.MATCHED)) {
                notes.add(r.day() + " " + r.provider() + (r.model() == null ? "" : " " + r.model()) + ": "
                        + r.status().label() + " - " + r.reason());
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("Reconciliation ").append(report.from()).append(" .. ").append(report.to())
                .append(report.dryRun() ? " (dry run: nothing written)" : "").append('\n');
        out.append(table(lines));
        if (report.rows().isEmpty()) {
            out.append("(no ledger traffic and no billing data in this range)\n");
        }
        if (!notes.isEmpty()) {
            out.append('\n');
            notes.forEach(n -> out.append(n).append('\n'));
        }
        for (Adjustment a : report.adjustments()) {
            out.append(a.skipped() != null
                    ? "true-up " + a.day() + " " + a.provider() + ": skipped (" + a.skipped() + ")\n"
                    : "true-up " + a.day() + " " + a.scope() + " window " + a.windowKey() + ": drift "
                            + signed(a.targetNanos()) + " USD, applied now " + signed(a.appliedNanos()) + "\n");
        }
        StringJoiner summary = new StringJoiner(", ", "\n", "\n");
        for (Status status : Status.values()) {
            long count = report.count(status);
            if (count > 0) {
                summary.add(count + " " + status.label());
            }
        }
        out.append(summary.length() > 2 ? summary.toString() : "");
        return out.toString();
    }

    private static String tokens(TokenCounts ledger, TokenCounts billed, boolean prompt) {
        long metered = prompt ? ledger.promptTokens() : ledger.completionTokens();
        if (billed == null) {
            return metered + "/-";
        }
        return metered + "/" + (prompt ? billed.promptTokens() : billed.completionTokens());
    }

    private static String signed(long nanos) {
        return nanos > 0 ? "+" + Money.format(nanos) : nanos < 0 ? "-" + Money.format(-nanos) : "0";
    }

    private static String table(List<String[]> lines) {
        int[] widths = new int[HEADER.length];
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] line : lines) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                String cell = line[i];
                String pad = " ".repeat(widths[i] - cell.length());
                text.append(RIGHT[i] ? pad + cell : cell + pad).append(i < line.length - 1 ? "  " : "");
            }
            out.append(text.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
