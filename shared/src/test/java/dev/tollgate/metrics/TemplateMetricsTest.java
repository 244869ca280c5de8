package dev.tollgate.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.Usage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The alarms and the dashboard of template.yaml read the metrics the router really emits: for every Tollgate metric
 * they name that {@link EmfMetrics} emits, the same namespace, metric name and dimension set (an alarm or widget with
 * dimensions the line does not publish would see no data, and an alarm on missing data stays quiet).
 */
class TemplateMetricsTest {

    /** Read in namespace Tollgate but emitted by another function (functions/reconciler, DriftMetrics). */
    private static final Set<String> EMITTED_ELSEWHERE = Set.of("ReconciliationDriftPct");
    private static final Pattern SEARCH = Pattern.compile("\\{Tollgate((?:,\\w+)*)} MetricName=\\\\?\"(\\w+)\\\\?\"");

    /** A metric as an alarm or a widget reads it: its name and the names of its dimensions. */
    private record Read(String where, String name, Set<String> dimensions) {
    }

    /** What one EMF line of a fully known request publishes: metric name to its dimension sets. */
    private static Map<String, Set<Set<String>>> emitted() throws IOException {
        List<String> lines = new ArrayList<>();
        new EmfMetrics(lines::add, Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC))
                .request(new RequestOutcome("main", "openai", 200, "ok", 12, 2, new Usage(10, 5, 0),
                        new BigDecimal("0.0001"), 80L));
        JsonNode directive = JsonCodec.parse(lines.getFirst().getBytes(StandardCharsets.UTF_8))
                .get("_aws").get("CloudWatchMetrics").get(0);
        assertEquals(EmfMetrics.NAMESPACE, directive.get("Namespace").asText());
        Set<Set<String>> sets = new HashSet<>();
        directive.get("Dimensions").forEach(set -> {
            Set<String> names = new TreeSet<>();
            set.forEach(n -> names.add(n.asText()));
            sets.add(names);
        });
        Map<String, Set<Set<String>>> metrics = new HashMap<>();
        directive.get("Metrics").forEach(m -> metrics.put(m.get("Name").asText(), sets));
        return metrics;
    }

    private static List<Read> readByTemplate() throws IOException {
        JsonNode resources = new ObjectMapper(new YAMLFactory())
                .readTree(Files.readString(Path.of("..", "template.yaml"))).get("Resources");
        List<Read> reads = new ArrayList<>();
        resources.properties().forEach(entry -> {
            JsonNode props = entry.getValue().path("Properties");
            if (entry.getValue().path("Type").asText().equals("AWS::CloudWatch::Alarm")) {
                alarmMetric(entry.getKey(), props, reads);
                props.path("Metrics").forEach(q -> alarmMetric(entry.getKey(), q.path("MetricStat").path("Metric"),
                        reads));
            }
        });
        // DashboardBody: !Sub [body, {variables}]; every ${...} is a name or a number, so "1" keeps it JSON.
        JsonNode sub = resources.get("Dashboard").get("Properties").get("DashboardBody");
        String body = (sub.isArray() ? sub.get(0) : sub).asText().replaceAll("\\$\\{[^}]+}", "1");
        for (JsonNode widget : JsonCodec.parse(body.getBytes(StandardCharsets.UTF_8)).get("widgets")) {
            for (JsonNode row : widget.path("properties").path("metrics")) {
                if (row.get(0).isTextual() && row.get(0).asText().equals("Tollgate")) {
                    Set<String> dims = new TreeSet<>();
                    for (int i = 2; i + 1 < row.size() && row.get(i).isTextual(); i += 2) {
                        dims.add(row.get(i).asText());
                    }
                    reads.add(new Read("dashboard", row.get(1).asText(), dims));
                } else if (row.get(0).isObject()) {
                    Matcher m = SEARCH.matcher(row.get(0).path("expression").asText());
                    while (m.find()) {
                        Set<String> dims = new TreeSet<>(List.of(m.group(1).split(",")));
                        dims.remove("");
                        reads.add(new Read("dashboard SEARCH", m.group(2), dims));
                    }
                }
            }
        }
        return reads;
    }

    private static void alarmMetric(String alarm, JsonNode metric, List<Read> reads) {
        if (!metric.path("Namespace").asText().equals(EmfMetrics.NAMESPACE)) {
            return;
        }
        Set<String> dims = new TreeSet<>();
        metric.path("Dimensions").forEach(d -> dims.add(d.get("Name").asText()));
        reads.add(new Read(alarm, metric.get("MetricName").asText(), dims));
    }

    @Test
    void everyTollgateMetricTheAlarmsAndTheDashboardReadIsEmittedWithThoseDimensions() throws IOException {
        Map<String, Set<Set<String>>> emitted = emitted();
        List<Read> reads = readByTemplate();
        assertTrue(reads.stream().anyMatch(r -> r.where().equals("BudgetNearingLimitAlarm")
                && r.name().equals("BudgetUsedPct") && r.dimensions().isEmpty()), reads.toString());
        assertTrue(reads.stream().anyMatch(r -> r.where().startsWith("dashboard") && r.name().equals("BudgetUsedPct")),
                reads.toString());
        List<String> problems = new ArrayList<>();
        for (Read read : reads) {
            if (EMITTED_ELSEWHERE.contains(read.name())) {
                continue;
            }
            Set<Set<String>> sets = emitted.get(read.name());
            if (sets == null) {
                problems.add(read + ": the router emits no such metric");
            } else if (!sets.contains(read.dimensions())) {
                problems.add(read + ": emitted only with dimension sets " + sets);
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void budgetUsedPctIsPublishedWithoutDimensionsAsTheAlarmReadsIt() throws IOException {
        Set<Set<String>> sets = emitted().get("BudgetUsedPct");
        assertTrue(sets != null && sets.contains(Set.of()), "BudgetUsedPct without dimensions: " + sets);
        assertFalse(EMITTED_ELSEWHERE.contains("BudgetUsedPct"));
    }
}
