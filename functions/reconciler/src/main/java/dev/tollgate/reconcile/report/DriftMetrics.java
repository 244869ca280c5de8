package dev.tollgate.reconcile.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.budget.Money;
import dev.tollgate.reconcile.Reconciliation;

import java.time.Clock;
import java.util.function.Consumer;

/**
 * Drift as CloudWatch metrics, in the Embedded Metric Format: one JSON line per final provider-day on stdout,
 * which Lambda's log stream turns into metrics (no SDK call, no extra dependency). Namespace {@code Tollgate};
 * {@code ReconciliationDriftPct} (absolute, percent of the bill) and {@code ReconciliationDriftUsd} (signed), each
 * published twice: with the {@code Provider} dimension, and with none, so one alarm watches every provider.
 */
public final class DriftMetrics {

    public static final String NAMESPACE = "Tollgate";
    public static final String DRIFT_PCT = "ReconciliationDriftPct";
    public static final String DRIFT_USD = "ReconciliationDriftUsd";

    private final Consumer<String> sink;
    private final Clock clock;

    public DriftMetrics(Consumer<String> sink, Clock clock) {
        this.sink = sink;
        this.clock = clock;
    }

    /** Emits nothing: the CLI, where no log stream turns lines into metrics. */
    public static DriftMetrics none(Clock clock) {
        return new DriftMetrics(line -> {
        }, clock);
    }

    /** One document for a provider's day total with a final verdict. */
    public void emit(Reconciliation total) {
        ObjectNode doc = ReportMapper.object();
        ObjectNode aws = doc.putObject("_aws");
        aws.put("Timestamp", clock.millis());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        ArrayNode dimensions = directive.putArray("Dimensions");
        dimensions.addArray().add("Provider");
        dimensions.addArray();
        ArrayNode metrics = directive.putArray("Metrics");
        metrics.addObject().put("Name", DRIFT_PCT).put("Unit", "Percent");
        metrics.addObject().put("Name", DRIFT_USD).put("Unit", "None");
        doc.put("Provider", total.provider());
        doc.put("Day", total.day().toString());
        doc.put("Status", total.status().label());
        doc.put(DRIFT_PCT, total.driftPct().abs());
        doc.put(DRIFT_USD, total.driftNanos() < 0 ? Money.usd(-total.driftNanos()).negate()
                : Money.usd(total.driftNanos()));
        sink.accept(ReportMapper.write(doc));
    }
}
