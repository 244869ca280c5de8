package dev.tollgate.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.routing.AttemptPolicy;
import dev.tollgate.routing.Condition;
import dev.tollgate.routing.RouteNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a route tree: a target (a mapping with {@code provider}), or one of {@code fallback}, {@code weighted},
 * {@code lowest_latency}, {@code cheapest}, {@code when} (with {@code else}), {@code ref}; and an attempt policy.
 */
final class RouteParser {

    private static final Set<String> KINDS = Set.of("fallback", "weighted", "lowest_latency", "cheapest", "when", "ref");
    private static final Set<String> CONDITION_FIELDS = Set.of("header", "team", "tier", "metadata", "user", "model");
    private static final Set<String> POLICY_FIELDS = Set.of("retries", "backoff_ms", "max_backoff_ms",
            "max_retry_wait_ms", "deadline_ms", "min_attempt_ms", "content_policy_fallback", "failures_to_cooldown",
            "cooldown_ms", "wait_for_cooldown", "stream_idle_timeout_ms", "on_error");

    private final Problems problems;
    private final TargetParser targets;
    /** Every {@code ref} seen, with its path, checked once all names are known. */
    final Map<String, List<String>> refs = new HashMap<>();

    RouteParser(Problems problems) {
        this.problems = problems;
        this.targets = new TargetParser(problems);
    }

    /** The {@code targets:} shorthand: a fallback chain over targets. */
    RouteNode targetList(JsonNode list, String path) {
        if (list == null || !list.isArray() || list.isEmpty()) {
            problems.add(path + ": required, a non-empty list of targets");
            return null;
        }
        List<RouteNode> children = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Target target = targets.parse(list.get(i), path + "[" + i + "]");
            if (target != null) {
                children.add(new RouteNode.Leaf(target));
            }
        }
        return new RouteNode.Fallback(children);
    }

    RouteNode node(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            problems.add(path + ": expected a target (with 'provider') or one of " + String.join(", ", sorted(KINDS)));
            return null;
        }
        if (node.has("provider")) {
            Target target = targets.parse(node, path);
            return target == null ? null : new RouteNode.Leaf(target);
        }
        Set<String> present = new HashSet<>();
        node.fieldNames().forEachRemaining(present::add);
        present.retainAll(KINDS);
        if (present.size() != 1) {
            problems.add(path + ": expected exactly one of " + String.join(", ", sorted(KINDS))
                    + " (or a target with 'provider')");
            return null;
        }
        String kind = present.iterator().next();
        problems.unknownFields(node, kind.equals("when") ? Set.of("when", "else") : Set.of(kind), path + ".");
        String at = path + "." + kind;
        return switch (kind) {
            case "fallback" -> new RouteNode.Fallback(children(node.get(kind), at));
            case "lowest_latency" -> new RouteNode.LowestLatency(children(node.get(kind), at));
            case "cheapest" -> new RouteNode.Cheapest(children(node.get(kind), at));
            case "weighted" -> weighted(node.get(kind), at);
            case "when" -> conditional(node, path);
            default -> ref(node.get(kind), at);
        };
    }

    private List<RouteNode> children(JsonNode list, String path) {
        List<RouteNode> children = new ArrayList<>();
        if (list == null || !list.isArray() || list.isEmpty()) {
            problems.add(path + ": expected a non-empty list of routes or targets");
            return children;
        }
        for (int i = 0; i < list.size(); i++) {
            RouteNode child = node(list.get(i), path + "[" + i + "]");
            if (child != null) {
                children.add(child);
            }
        }
        return children;
    }

    private RouteNode weighted(JsonNode list, String path) {
        List<RouteNode.WeightedChild> children = new ArrayList<>();
        if (list == null || !list.isArray() || list.isEmpty()) {
            problems.add(path + ": expected a non-empty list of {weight, ...route or target}");
            return null;
        }
        for (int i = 0; i < list.size(); i++) {
            String at = path + "[" + i + "]";
            JsonNode item = list.get(i);
            if (!item.isObject() || !item.has("weight")) {
                problems.add(at + ".weight: required, a whole number >= 1");
                continue;
            }
            Long weight = problems.wholeNumber(item, "weight", at, 1, null);
            ObjectNode rest = ((ObjectNode) item).deepCopy();
            rest.remove("weight");
            RouteNode child = node(rest, at);
            if (weight != null && child != null) {
                children.add(new RouteNode.WeightedChild(weight.intValue(), child));
            }
        }
        return new RouteNode.Weighted(children);
    }

    private RouteNode conditional(JsonNode node, String path) {
        JsonNode list = node.get("when");
        List<RouteNode.Branch> branches = new ArrayList<>();
        if (list == null || !list.isArray() || list.isEmpty()) {
            problems.add(path + ".when: expected a non-empty list of {if, then}");
            return null;
        }
        for (int i = 0; i < list.size(); i++) {
            String at = path + ".when[" + i + "]";
            JsonNode branch = list.get(i);
            if (!branch.isObject() || !branch.has("if") || !branch.has("then")) {
                problems.add(at + ": expected {if: condition, then: route}");
                continue;
            }
            problems.unknownFields(branch, Set.of("if", "then"), at + ".");
            Condition condition = condition(branch.get("if"), at + ".if");
            RouteNode then = node(branch.get("then"), at + ".then");
            if (condition != null && then != null) {
                branches.add(new RouteNode.Branch(condition, then));
            }
        }
        RouteNode otherwise = node.has("else") ? node(node.get("else"), path + ".else") : null;
        return new RouteNode.Conditional(branches, otherwise);
    }

    private Condition condition(JsonNode node, String path) {
        if (!node.isObject() || node.isEmpty()) {
            problems.add(path + ": expected a mapping of " + String.join(", ", sorted(CONDITION_FIELDS)));
            return null;
        }
        problems.unknownFields(node, CONDITION_FIELDS, path + ".");
        return new Condition(valueMap(node.get("header"), path + ".header"), values(node.get("team"), path + ".team"),
                values(node.get("tier"), path + ".tier"), valueMap(node.get("metadata"), path + ".metadata"),
                values(node.get("user"), path + ".user"), values(node.get("model"), path + ".model"));
    }

    private Map<String, Set<String>> valueMap(JsonNode node, String path) {
        Map<String, Set<String>> map = new HashMap<>();
        if (node == null) {
            return map;
        }
        if (!node.isObject()) {
            problems.add(path + ": expected a mapping of name to value (or list of values)");
            return map;
        }
        node.properties().forEach(e -> map.put(e.getKey(), values(e.getValue(), path + "." + e.getKey())));
        return map;
    }

    private Set<String> values(JsonNode node, String path) {
        Set<String> values = new HashSet<>();
        if (node == null) {
            return values;
        }
        if (node.isValueNode() && !node.isNull()) {
            values.add(node.asText());
        } else if (node.isArray() && !node.isEmpty()) {
            node.forEach(v -> values.add(v.asText()));
        } else {
            problems.add(path + ": expected a value or a non-empty list of values");
        }
        return values;
    }

    private RouteNode ref(JsonNode node, String path) {
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            problems.add(path + ": expected the name of another model");
            return null;
        }
        refs.computeIfAbsent(node.asText(), k -> new ArrayList<>()).add(path);
        return new RouteNode.Ref(node.asText());
    }

    AttemptPolicy policy(JsonNode node, String path) {
        AttemptPolicy d = AttemptPolicy.DEFAULT;
        if (node == null) {
            return d;
        }
        if (!node.isObject()) {
            problems.add(path + ": expected a mapping");
            return d;
        }
        problems.unknownFields(node, POLICY_FIELDS, path + ".");
        Long retries = problems.wholeNumber(node, "retries", path, 0, (long) d.retries());
        Long backoff = problems.wholeNumber(node, "backoff_ms", path, 0, d.backoffBase().toMillis());
        Long maxBackoff = problems.wholeNumber(node, "max_backoff_ms", path, 0, d.backoffMax().toMillis());
        Long maxWait = problems.wholeNumber(node, "max_retry_wait_ms", path, 0, d.maxRetryWait().toMillis());
        Long deadline = problems.wholeNumber(node, "deadline_ms", path, 1, d.deadline().toMillis());
        Long minAttempt = problems.wholeNumber(node, "min_attempt_ms", path, 0, d.minAttempt().toMillis());
        Boolean contentFallback = problems.bool(node, "content_policy_fallback", path, d.contentPolicyFallback());
        Long failures = problems.wholeNumber(node, "failures_to_cooldown", path, 1, (long) d.failuresToCooldown());
        Long cooldown = problems.wholeNumber(node, "cooldown_ms", path, 0, d.cooldown().toMillis());
        Boolean wait = problems.bool(node, "wait_for_cooldown", path, d.waitForCooldown());
        Long idle = problems.wholeNumber(node, "stream_idle_timeout_ms", path, 1, d.streamIdleTimeout().toMillis());
        Map<String, AttemptPolicy.Action> onError = onError(node.get("on_error"), path + ".on_error");
        if (retries == null || backoff == null || maxBackoff == null || maxWait == null || deadline == null
                || minAttempt == null || contentFallback == null || failures == null || cooldown == null || wait == null
                || idle == null) {
            return d;
        }
        return new AttemptPolicy(retries.intValue(), Duration.ofMillis(backoff), Duration.ofMillis(maxBackoff),
                Duration.ofMillis(maxWait), Duration.ofMillis(deadline), Duration.ofMillis(minAttempt), contentFallback,
                failures.intValue(), Duration.ofMillis(cooldown), wait, Duration.ofMillis(idle), onError);
    }

    /** {@code on_error: {upstream_not_found: fail, content_filter: fallback}}: error code to retry|fallback|fail. */
    private Map<String, AttemptPolicy.Action> onError(JsonNode node, String path) {
        Map<String, AttemptPolicy.Action> actions = new HashMap<>();
        if (node == null) {
            return actions;
        }
        if (!node.isObject()) {
            problems.add(path + ": expected a mapping of error code to retry, fallback or fail");
            return actions;
        }
        node.properties().forEach(e -> {
            try {
                actions.put(e.getKey(), AttemptPolicy.Action.valueOf(e.getValue().asText().toUpperCase(java.util.Locale.ROOT)));
            } catch (IllegalArgumentException bad) {
                problems.add(path + "." + e.getKey() + ": expected retry, fallback or fail");
            }
        });
        return actions;
    }

    private static List<String> sorted(Set<String> set) {
        return set.stream().sorted().toList();
    }
}
