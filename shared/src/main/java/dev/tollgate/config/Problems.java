package dev.tollgate.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Collects config problems, each with the path of the field at fault, and reads typed fields while checking them. */
final class Problems {

    private final List<String> list = new ArrayList<>();

    void add(String problem) {
        list.add(problem);
    }

    void addAll(List<String> problems) {
        list.addAll(problems);
    }

    int count() {
        return list.size();
    }

    List<String> all() {
        return list;
    }

    String requiredText(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            add(path + "." + field + ": required");
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            add(path + "." + field + ": expected non-empty text");
            return null;
        }
        return value.asText();
    }

    /** A whole number >= min, or the fallback when absent; null (and a problem) when invalid. */
    Long wholeNumber(JsonNode node, String field, String path, long min, Long fallback) {
        JsonNode value = node.get(field);
        if (value == null) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < min) {
            add(path + "." + field + ": expected a whole number >= " + min);
            return null;
        }
        return value.asLong();
    }

    Boolean bool(JsonNode node, String field, String path, boolean fallback) {
        JsonNode value = node.get(field);
        if (value == null) {
            return fallback;
        }
        if (!value.isBoolean()) {
            add(path + "." + field + ": expected true or false");
            return null;
        }
        return value.asBoolean();
    }

    /** A non-negative decimal given as a number or a string ("0.15"), read exactly. */
    BigDecimal decimal(JsonNode node, String field, String path, boolean required) {
        JsonNode value = node.get(field);
        if (value == null) {
            if (required) {
                add(path + "." + field + ": required");
            }
            return null;
        }
        try {
            BigDecimal decimal = value.isNumber() ? value.decimalValue() : new BigDecimal(value.asText());
            if (decimal.signum() < 0) {
                add(path + "." + field + ": expected a price >= 0");
                return null;
            }
            return decimal;
        } catch (NumberFormatException e) {
            add(path + "." + field + ": expected a decimal number such as \"0.15\"");
            return null;
        }
    }

    void unknownFields(JsonNode node, Set<String> known, String prefix) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!known.contains(field)) {
                add(prefix + field + ": unknown field (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }
}
