package dev.tollgate.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.Usage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The EMF line CloudWatch turns into the dashboard's metrics: structure per the EMF specification, and values. */
class EmfMetricsTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);

    private final List<String> lines = new ArrayList<>();
    private final EmfMetrics metrics = new EmfMetrics(lines::add, CLOCK);

    private JsonNode only() throws IOException {
        assertEquals(1, lines.size(), "one line per request");
        return JsonCodec.parse(lines.getFirst().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aServedRequestIsOneEmfDocumentWithEveryDeclaredMetricPresentAndNumeric() throws IOException {
        metrics.request(new RequestOutcome("gpt-4o-mini", "openai", 200, "ok", 842, 2,
                new Usage(120, 30, 0), new BigDecimal("0.000036")));
        JsonNode line = only();
        JsonNode aws = line.get("_aws");
        assertEquals(CLOCK.millis(), aws.get("Timestamp").asLong());
        JsonNode directive = aws.get("CloudWatchMetrics").get(0);
        assertEquals("Tollgate", directive.get("Namespace").asText());
        assertEquals("[[],[\"Provider\"],[\"Route\"]]", directive.get("Dimensions").toString());
        Set<String> declared = new HashSet<>();
        for (JsonNode definition : directive.get("Metrics")) {
            String name = definition.get("Name").asText();
            declared.add(name);
            assertTrue(line.get(name).isNumber(), name + " is a number at the root, as EMF requires");
        }
        assertEquals(Set.of("Requests", "Errors5xx", "Errors4xx", "Fallbacks", "BudgetRejections", "LatencyMs",
                "PromptTokens", "CompletionTokens", "CostUsd"), declared);
        assertEquals("openai", line.get("Provider").asText());
        assertEquals("gpt-4o-mini", line.get("Route").asText());
        assertEquals(1, line.get("Requests").asInt());
        assertEquals(0, line.get("Errors5xx").asInt(), "zeros are written so Average(Errors5xx) is the 5xx rate");
        assertEquals(1, line.get("Fallbacks").asInt(), "two attempts: one fallback");
        assertEquals(842, line.get("LatencyMs").asLong());
        assertEquals(120, line.get("PromptTokens").asLong());
        assertEquals(30, line.get("CompletionTokens").asLong());
        assertEquals(new BigDecimal("0.000036"), line.get("CostUsd").decimalValue());
    }

    @Test
    void aRequestRefusedBeforeRoutingCountsUnderNoneAndCarriesNoTokenMetrics() throws IOException {
        metrics.request(new RequestOutcome(null, null, 401, "invalid_api_key", 3, 0, null, null));
        JsonNode line = only();
        assertEquals("none", line.get("Provider").asText(), "dimension values must be strings, never null");
        assertEquals("none", line.get("Route").asText());
        assertEquals(1, line.get("Errors4xx").asInt());
        assertEquals(0, line.get("Errors5xx").asInt());
        assertEquals(0, line.get("Fallbacks").asInt());
        assertFalse(line.has("PromptTokens"));
        assertFalse(line.has("CostUsd"));
        assertFalse(line.toString().contains("PromptTokens"), "undeclared and absent alike");
    }

    @Test
    void upstreamFailuresAndBudgetRefusalsAreCountedAsSuch() throws IOException {
        metrics.request(new RequestOutcome("r", "openai", 502, "upstream_error", 10, 3, null, null));
        metrics.request(new RequestOutcome("r", null, 429, "budget_exceeded", 1, 0, null, null));
        JsonNode failed = JsonCodec.parse(lines.get(0).getBytes(StandardCharsets.UTF_8));
        JsonNode refused = JsonCodec.parse(lines.get(1).getBytes(StandardCharsets.UTF_8));
        assertEquals(1, failed.get("Errors5xx").asInt());
        assertEquals(2, failed.get("Fallbacks").asInt());
        assertEquals(0, failed.get("BudgetRejections").asInt());
        assertEquals(1, refused.get("BudgetRejections").asInt());
        assertEquals(1, refused.get("Errors4xx").asInt());
    }
}
