package dev.tollgate.reconcile.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.budget.Money;
import dev.tollgate.reconcile.ReconcileReport;
import dev.tollgate.reconcile.Reconciliation;
import dev.tollgate.reconcile.Status;
import dev.tollgate.reconcile.store.Adjustment;

import java.math.BigDecimal;

/** The report as JSON, as the Lambda logs and returns it. Money is exact decimal USD. */
public final class ReportJson {

    private ReportJson() {
    }

    public static ObjectNode of(ReconcileReport report) {
        ObjectNode json = ReportMapper.object();
        json.put("run_id", report.runId());
        json.put("at", report.at().toString());
        json.put("from", report.from().toString());
        json.put("to", report.to().toString());
        json.put("dry_run", report.dryRun());
        ObjectNode summary = json.putObject("summary");
        for (Status status : Status.values()) {
            summary.put(status.label(), report.count(status));
        }
        ArrayNode rows = json.putArray("rows");
        for (Reconciliation r : report.rows()) {
            ObjectNode row = rows.addObject();
            row.put("provider", r.provider());
            row.put("day", r.day().toString());
            if (r.model() != null) {
                row.put("model", r.model());
            }
            row.put("status", r.status().label());
            if (r.reason() != null) {
                row.put("reason", r.reason());
            }
            row.put("ledger_usd", usd(r.ledgerNanos()));
            if (r.billedNanos() != null) {
                row.put("billed_usd", usd(r.billedNanos()));
                row.put("drift_usd", usd(r.driftNanos()));
                row.put("drift_pct", r.driftPct());
            }
            row.put("ledger_prompt_tokens", r.ledgerTokens().promptTokens());
            row.put("ledger_completion_tokens", r.ledgerTokens().completionTokens());
            if (r.billedTokens() != null) {
                row.put("billed_prompt_tokens", r.billedTokens().promptTokens());
                row.put("billed_completion_tokens", r.billedTokens().completionTokens());
            }
        }
        ArrayNode adjustments = json.putArray("true_ups");
        for (Adjustment a : report.adjustments()) {
            ObjectNode adjustment = adjustments.addObject();
            adjustment.put("provider", a.provider());
            adjustment.put("day", a.day().toString());
            adjustment.put("scope", a.scope());
            if (a.windowKey() != null) {
                adjustment.put("window", a.windowKey());
            }
            adjustment.put("total_usd", usd(a.targetNanos()));
            adjustment.put("applied_usd", usd(a.appliedNanos()));
            if (a.skipped() != null) {
                adjustment.put("skipped", a.skipped());
            }
        }
        return json;
    }

    private static BigDecimal usd(long nanos) {
        return nanos == 0 ? BigDecimal.ZERO : Money.usd(nanos);
    }
}
