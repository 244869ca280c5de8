package dev.tollgate.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.reconcile.ReconcileHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Lambda handler invoked with the sample scheduled event of events/schedule.json, on the emulator. */
class ReconcileHandlerIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static ReconcileWorld world;

    @BeforeAll
    static void build() throws Exception {
        world = new ReconcileWorld();
    }

    @AfterAll
    static void tearDown() {
        if (world != null) {
            world.close();
        }
    }

    private static byte[] scheduledEvent() throws Exception {
        Path event = Path.of(System.getProperty("tollgate.repo.root", "..")).resolve("events/schedule.json");
        return Files.readAllBytes(event);
    }

    @Test
    void theScheduledEventReconcilesTheLookbackDaysLogsTheReportAndEmitsTheDriftMetric() throws Exception {
        List<String> stdout = Collections.synchronizedList(new ArrayList<>());
        ReconcileHandler handler = new ReconcileHandler(world.environment(), ReconcileWorld.CLOCK, stdout::add);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        handler.handleRequest(new ByteArrayInputStream(scheduledEvent()), out, null);

        JsonNode report = JSON.readTree(out.toByteArray());
        // The event's time is 2025-11-20T06:00Z and the lookback 4 days: the 16th to the 19th.
        assertEquals("2025-11-16", report.get("from").asText());
        assertEquals("2025-11-19", report.get("to").asText());
        JsonNode summary = report.get("summary");
        assertEquals(3, summary.get("matched").asInt(), summary.toString());
        assertEquals(2, summary.get("drift").asInt(), summary.toString());
        assertEquals(1, summary.get("missing_data").asInt(), summary.toString());
        assertEquals(2, summary.get("provider_lag").asInt(), summary.toString());
        assertEquals(1, summary.get("ledger_only").asInt(), summary.toString());
        assertEquals(0, summary.get("error").asInt(), summary.toString());
        JsonNode openaiDrift = null;
        for (JsonNode row : report.get("rows")) {
            if (row.get("provider").asText().equals("openai") && row.get("day").asText().equals("2025-11-17")
                    && !row.has("model")) {
                openaiDrift = row;
            }
        }
        assertEquals("drift", openaiDrift.get("status").asText());
        assertEquals("0.0005", openaiDrift.get("drift_usd").decimalValue().toPlainString());

        JsonNode logLine = stdout.stream().map(ReconcileHandlerIntegrationTest::parse)
                .filter(l -> "reconciliation report".equals(l.path("message").asText())).findFirst().orElseThrow();
        assertEquals("INFO", logLine.get("level").asText());
        assertEquals(report.get("run_id"), logLine.at("/report/run_id"));

        List<JsonNode> metrics = stdout.stream().map(ReconcileHandlerIntegrationTest::parse)
                .filter(l -> l.has("_aws")).toList();
        assertEquals(5, metrics.size(), "one EMF document per final provider-day: " + metrics);
        JsonNode drift = metrics.stream().filter(m -> m.get("Provider").asText().equals("openai")
                && m.get("Day").asText().equals("2025-11-17")).findFirst().orElseThrow();
        assertEquals("Tollgate", drift.at("/_aws/CloudWatchMetrics/0/Namespace").asText());
        assertEquals("3.2258", drift.get("ReconciliationDriftPct").decimalValue().toPlainString());

        assertEquals("drift", world.records("openai").get("2025-11-17").get("status").s(), "records are written");
    }

    @Test
    void aManualInvocationNarrowsTheRunAndABillingFailureFailsTheInvocationSoLambdaRetries() throws Exception {
        List<String> stdout = Collections.synchronizedList(new ArrayList<>());
        ReconcileHandler handler = new ReconcileHandler(world.environment(), ReconcileWorld.CLOCK, stdout::add);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(
                "{\"detail\":{\"from\":\"2025-11-16\",\"to\":\"2025-11-16\",\"provider\":\"bedrock\",\"dry_run\":true}}"
                        .getBytes()), out, null);
        JsonNode report = JSON.readTree(out.toByteArray());
        assertEquals(1, report.get("rows").size());
        assertEquals("ledger_only", report.at("/rows/0/status").asText());
        assertTrue(report.get("dry_run").asBoolean());

        for (int i = 0; i < 4; i++) {
            world.anthropic.fail(503, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":"
                    + "\"Overloaded\"}}", "0");
        }
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> handler.handleRequest(
                new ByteArrayInputStream(scheduledEvent()), new ByteArrayOutputStream(), null));
        assertTrue(failure.getMessage().contains("retried"), failure.getMessage());
        assertTrue(stdout.stream().map(ReconcileHandlerIntegrationTest::parse)
                .anyMatch(l -> "ERROR".equals(l.path("level").asText())
                        && "reconciliation report".equals(l.path("message").asText())));
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not a JSON line: " + line, e);
        }
    }
}
