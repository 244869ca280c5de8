package dev.tollgate.routing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.config.ModelRoute;
import dev.tollgate.config.Target;
import dev.tollgate.json.JsonCodec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Route trees turned into plans: conditions, weights, latency, cost and context windows. */
class RoutePlannerTest {

    private static final String CONFIG = """
            models:
              - name: chat
                route:
                  when:
                    - if: {header: {x-tollgate-feature: summarize}}
                      then: {ref: cheap}
                    - if: {tier: premium}
                      then: {ref: strong}
                    - if: {metadata: {workload: batch}, user: [batch-bot]}
                      then: {ref: cheap}
                  else:
                    fallback:
                      - weighted:
                          - {weight: 3, provider: mock, model: fast-a}
                          - {weight: 1, provider: mock, model: fast-b}
                      - {provider: mock, model: backup}
              - name: cheap
                route:
                  cheapest:
                    - {provider: mock, model: mid, price: {input_per_mtok: "1.00", output_per_mtok: "4.00"}}
                    - {provider: mock, model: budget, context_window: 100, price: {input_per_mtok: "0.10", output_per_mtok: "0.40"}}
                    - {provider: mock, model: unpriced}
              - name: strong
                targets: [{provider: mock, model: strong-1}]
              - name: quick
                route:
                  lowest_latency:
                    - {provider: mock, model: slow}
                    - {provider: mock, model: quick}
            """;

    private final GatewayConfig config = ConfigLoader.validate(ConfigLoader.readRaw(CONFIG, "test"), "test");
    private final LatencyTracker latency = new LatencyTracker();
    private final RoutePlanner planner = new RoutePlanner(config, new SplittableRandom(42), latency, PriceLookup.CONFIGURED);

    private static ObjectNode request(String json) {
        try {
            return (ObjectNode) JsonCodec.parse(json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> plan(String route, ObjectNode request, Map<String, String> headers, String tier) {
        ModelRoute modelRoute = config.route(route).orElseThrow();
        RequestFacts facts = RequestFacts.of(request, headers::get, "team-x", tier);
        return planner.plan(modelRoute, facts).stream().map(Target::model).toList();
    }

    private static final ObjectNode SHORT = request("{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    @Test
    void aFeatureHeaderSendsSummarizationToTheCheapRoute() {
        assertEquals(List.of("budget", "mid", "unpriced"),
                plan("chat", SHORT, Map.of("x-tollgate-feature", "summarize"), null));
    }

    @Test
    void premiumCallersGetTheStrongModel() {
        assertEquals(List.of("strong-1"), plan("chat", SHORT, Map.of(), "premium"));
    }

    @Test
    void everyPartOfAConditionMustMatch() {
        ObjectNode batch = request("{\"model\":\"chat\",\"user\":\"batch-bot\",\"metadata\":{\"workload\":\"batch\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals("budget", plan("chat", batch, Map.of(), null).getFirst());
        ObjectNode notBot = request("{\"model\":\"chat\",\"user\":\"alice\",\"metadata\":{\"workload\":\"batch\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertTrue(plan("chat", notBot, Map.of(), null).getFirst().startsWith("fast-"));
    }

    @Test
    void weightedSplitFollowsTheWeightsAndKeepsTheOthersAsFallbacks() {
        Map<String, Integer> firsts = new HashMap<>();
        int n = 4000;
        for (int i = 0; i < n; i++) {
            List<String> plan = plan("chat", SHORT, Map.of(), null);
            assertEquals(3, plan.size(), "both weighted members and the backup: " + plan);
            assertEquals("backup", plan.getLast());
            firsts.merge(plan.getFirst(), 1, Integer::sum);
        }
        double shareA = firsts.get("fast-a") / (double) n;
        assertTrue(Math.abs(shareA - 0.75) < 0.03, "3:1 weights give about 75% to fast-a, got " + shareA);
    }

    @Test
    void cheapestSkipsTargetsWhoseContextWindowCannotHoldThePrompt() {
        ObjectNode big = request("{\"model\":\"cheap\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(2000) + "\"}]}");
        assertEquals(List.of("mid", "unpriced"), plan("cheap", big, Map.of(), null));
    }

    @Test
    void lowestLatencyPutsTheFastestMeasuredTargetFirst() {
        latency.record("mock/slow", Duration.ofMillis(900));
        latency.record("mock/quick", Duration.ofMillis(120));
        assertEquals(List.of("quick", "slow"), plan("quick", SHORT, Map.of(), null));
        for (int i = 0; i < 10; i++) {
            latency.record("mock/quick", Duration.ofMillis(2000));
        }
        assertEquals(List.of("slow", "quick"), plan("quick", SHORT, Map.of(), null), "the average follows recent samples");
    }
}
