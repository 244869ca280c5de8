package dev.tollgate.pricing;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A genai-prices name-matching clause. Names are compared in lower case, as genai-prices lowercases the model name;
 * unlike genai-prices the clause's own text is lowercased too, so feed entries written in mixed case
 * ({@code Qwen/Qwen3-14B-FP8}) can match at all.
 */
public sealed interface MatchRule {

    /** Whether this clause accepts a name that is already lower case. */
    boolean matches(String lowerName);

    record Equals(String text) implements MatchRule {
        public boolean matches(String lowerName) {
            return lowerName.equals(text);
        }
    }

    record StartsWith(String text) implements MatchRule {
        public boolean matches(String lowerName) {
            return lowerName.startsWith(text);
        }
    }

    record EndsWith(String text) implements MatchRule {
        public boolean matches(String lowerName) {
            return lowerName.endsWith(text);
        }
    }

    record Contains(String text) implements MatchRule {
        public boolean matches(String lowerName) {
            return lowerName.contains(text);
        }
    }

    /** Python's {@code re.search}: the pattern may match anywhere unless it anchors itself. */
    record Regex(Pattern pattern) implements MatchRule {
        public boolean matches(String lowerName) {
            return pattern.matcher(lowerName).find();
        }
    }

    record AnyOf(List<MatchRule> clauses) implements MatchRule {
        public boolean matches(String lowerName) {
            for (MatchRule clause : clauses) {
                if (clause.matches(lowerName)) {
                    return true;
                }
            }
            return false;
        }
    }

    record AllOf(List<MatchRule> clauses) implements MatchRule {
        public boolean matches(String lowerName) {
            for (MatchRule clause : clauses) {
                if (!clause.matches(lowerName)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Reads one clause ({@code {"equals": "..."}}, {@code {"or": [...]}}, ...); errors name the path. */
    static MatchRule parse(JsonNode node, String path) {
        if (node == null || !node.isObject() || node.size() != 1) {
            throw new IllegalArgumentException(path + ": a match clause has exactly one key");
        }
        Map.Entry<String, JsonNode> clause = node.properties().iterator().next();
        String key = clause.getKey();
        JsonNode value = clause.getValue();
        if (key.equals("or") || key.equals("and")) {
            if (!value.isArray() || value.isEmpty()) {
                throw new IllegalArgumentException(path + "." + key + ": expected a non-empty list");
            }
            List<MatchRule> parts = new ArrayList<>(value.size());
            for (int i = 0; i < value.size(); i++) {
                parts.add(parse(value.get(i), path + "." + key + "[" + i + "]"));
            }
            return key.equals("or") ? new AnyOf(List.copyOf(parts)) : new AllOf(List.copyOf(parts));
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(path + "." + key + ": expected text");
        }
        String text = value.asText();
        return switch (key) {
            case "equals" -> new Equals(lower(text));
            case "starts_with" -> new StartsWith(lower(text));
            case "ends_with" -> new EndsWith(lower(text));
            case "contains" -> new Contains(lower(text));
            // Lowercasing a pattern would turn \D into \d; match case-insensitively instead.
            case "regex" -> new Regex(Pattern.compile(text, Pattern.CASE_INSENSITIVE));
            default -> throw new IllegalArgumentException(path + ": unknown match clause " + key);
        };
    }

    /** Every name this rule accepts by plain equality on its own (not under an {@code and}), for an exact index. */
    static void exactNames(MatchRule rule, List<String> sink) {
        // instanceof rather than a pattern switch: this runs at cold start, where the switch's bootstrap costs.
        if (rule instanceof Equals e) {
            sink.add(e.text());
        } else if (rule instanceof AnyOf any) {
            for (MatchRule clause : any.clauses()) {
                exactNames(clause, sink);
            }
        }
    }

    static String lower(String text) {
        return text.toLowerCase(Locale.ROOT);
    }
}
