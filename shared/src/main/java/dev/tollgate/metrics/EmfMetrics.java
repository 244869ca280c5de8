package dev.tollgate.metrics;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.JsonCodec;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * Writes each request's metrics as one CloudWatch Embedded Metric Format line (namespace {@value #NAMESPACE}):
 * CloudWatch Logs turns the line into metrics, so there is no API call, no agent and no dependency. Every
 * metric is published three times: without dimensions (the totals the alarms watch), per {@code Provider}
 * and per {@code Route}. Zeros are written too, so the Average of {@code Errors5xx} is the 5xx rate.
 */
public final class EmfMetrics implements Metrics {

    public static final String NAMESPACE = "Tollgate";
    /** Dimension value for a request that ended before a route or provider was chosen. */
    static final String NONE = "none";

    private final Consumer<String> sink;
    private final Clock clock;

    public EmfMetrics(Consumer<String> sink, Clock clock) {
        this.sink = sink;
        this.clock = clock;
    }

    public static EmfMetrics stdout(Clock clock) {
        return new EmfMetrics(System.out::println, clock);
    }

    @Override
    public void request(RequestOutcome outcome) {
        ObjectNode line = JsonCodec.object();
        ObjectNode directive = line.putObject("_aws").put("Timestamp", clock.millis())
                .putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        ArrayNode dimensions = directive.putArray("Dimensions");
        dimensions.addArray();
        dimensions.addArray().add("Provider");
        dimensions.addArray().add("Route");
        ArrayNode definitions = directive.putArray("Metrics");
        line.put("Provider", outcome.provider() == null ? NONE : outcome.provider());
        line.put("Route", outcome.route() == null ? NONE : outcome.route());

        metric(line, definitions, "Requests", "Count", 1);
        metric(line, definitions, "Errors5xx", "Count", outcome.status() >= 500 ? 1 : 0);
        metric(line, definitions, "Errors4xx", "Count", outcome.status() >= 400 && outcome.status() < 500 ? 1 : 0);
        metric(line, definitions, "Fallbacks", "Count", outcome.fallbacks());
        metric(line, definitions, "BudgetRejections", "Count", outcome.budgetRejected() ? 1 : 0);
        metric(line, definitions, "LatencyMs", "Milliseconds", outcome.latencyMs());
        if (outcome.usage() != null) {
            metric(line, definitions, "PromptTokens", "Count", outcome.usage().promptTokens());
            metric(line, definitions, "CompletionTokens", "Count", outcome.usage().completionTokens());
        }
        if (outcome.budgetUsedPct() != null) {
            // Without dimensions it is the "highest use of any budget" the alarm and the dashboard watch (Maximum).
            metric(line, definitions, "BudgetUsedPct", "Percent", outcome.budgetUsedPct());
        }
        if (outcome.costUsd() != null) {
            definitions.addObject().put("Name", "CostUsd").put("Unit", "None");
            line.put("CostUsd", outcome.costUsd());
        }
        sink.accept(new String(JsonCodec.bytes(line), StandardCharsets.UTF_8));
    }

    private static void metric(ObjectNode line, ArrayNode definitions, String name, String unit, long value) {
        definitions.addObject().put("Name", name).put("Unit", unit);
        line.put(name, value);
    }
}
