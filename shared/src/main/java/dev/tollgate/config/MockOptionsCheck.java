package dev.tollgate.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Validates the options of the demo/test {@code mock} provider. */
final class MockOptionsCheck {

    static final Set<String> FIELDS = Set.of("latency_ms", "chunk_delay_ms", "failure_rate", "failure_status", "reply");

    private MockOptionsCheck() {
    }

    static List<String> problems(ObjectNode options, String path) {
        List<String> problems = new ArrayList<>();
        for (Iterator<String> it = options.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                problems.add(path + "." + field + ": unknown mock option (known: "
                        + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
            }
        }
        nonNegativeInt(options, "latency_ms", path, problems);
        nonNegativeInt(options, "chunk_delay_ms", path, problems);
        JsonNode rate = options.get("failure_rate");
        if (rate != null && (!rate.isNumber() || rate.asDouble() < 0 || rate.asDouble() > 1)) {
            problems.add(path + ".failure_rate: expected a number from 0 to 1");
        }
        JsonNode status = options.get("failure_status");
        if (status != null && (!status.isIntegralNumber() || status.asInt() < 400 || status.asInt() > 599)) {
            problems.add(path + ".failure_status: expected an HTTP error status from 400 to 599");
        }
        JsonNode reply = options.get("reply");
        if (reply != null && !reply.isTextual()) {
            problems.add(path + ".reply: expected text");
        }
        return problems;
    }

    private static void nonNegativeInt(ObjectNode options, String field, String path, List<String> problems) {
        JsonNode value = options.get(field);
        if (value != null && (!value.isIntegralNumber() || value.asLong() < 0)) {
            problems.add(path + "." + field + ": expected a whole number >= 0");
        }
    }
}
