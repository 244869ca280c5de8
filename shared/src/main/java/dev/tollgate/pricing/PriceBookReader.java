package dev.tollgate.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.json.JsonCodec;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the derived price book ({@code prices.json}, written by tools/pricing/generate_price_book.py). A provider's
 * models are read when it is first used; a malformed entry then fails loudly, naming its path. The file ships in the
 * jar and PriceBookTest reads all of it, so such a failure shows in the build, not in production.
 */
final class PriceBookReader {

    private static final String[] FIELDS = {"input_mtok", "output_mtok", "cache_read_mtok", "cache_write_mtok"};

    private PriceBookReader() {
    }

    record Contents(String sourceCommit, List<BookProvider> providers) {
    }

    static Contents read(InputStream in) throws IOException {
        return read(JsonCodec.MAPPER.readTree(in));
    }

    static Contents read(JsonNode root) {
        if (root == null || root.path("format").asInt() != 1) {
            throw new IllegalStateException("price book: expected format 1");
        }
        List<BookProvider> providers = new ArrayList<>();
        JsonNode list = root.path("providers");
        for (int p = 0; p < list.size(); p++) {
            providers.add(provider(list.get(p), "providers[" + p + "]"));
        }
        return new Contents(root.path("source").path("commit").asText(""), List.copyOf(providers));
    }

    private static BookProvider provider(JsonNode node, String path) {
        String id = text(node, "id", path);
        path = path + "(" + id + ")";
        MatchRule providerMatch = node.has("provider_match")
                ? MatchRule.parse(node.get("provider_match"), path + ".provider_match") : null;
        List<String> fallback = new ArrayList<>();
        for (JsonNode f : node.path("fallback")) {
            fallback.add(f.asText());
        }
        JsonNode list = node.path("models");
        String at = path;
        return new BookProvider(MatchRule.lower(text(node, "type", path)), id, providerMatch, fallback,
                () -> models(list, at));
    }

    private static List<BookModel> models(JsonNode list, String path) {
        List<BookModel> models = new ArrayList<>(list.size());
        for (int m = 0; m < list.size(); m++) {
            models.add(model(list.get(m), path + ".models[" + m + "]"));
        }
        return models;
    }

    private static BookModel model(JsonNode node, String path) {
        String id = text(node, "id", path);
        MatchRule match = MatchRule.parse(node.get("match"), path + ".match");
        long contextWindow = node.path("context_window").asLong(0);
        JsonNode prices = node.get("prices");
        PriceSchedule schedule;
        if (prices != null && prices.isArray()) {
            List<PriceSchedule.Entry> entries = new ArrayList<>();
            for (int i = 0; i < prices.size(); i++) {
                String at = path + ".prices[" + i + "]";
                JsonNode entry = prices.get(i);
                entries.add(new PriceSchedule.Entry(constraint(entry.get("constraint"), at + ".constraint"),
                        priceSet(entry.get("prices"), at + ".prices")));
            }
            schedule = new PriceSchedule(entries);
        } else {
            schedule = PriceSchedule.always(priceSet(prices, path + ".prices"));
        }
        return new BookModel(id, match, contextWindow, schedule);
    }

    private static PriceSchedule.Constraint constraint(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return PriceSchedule.Constraint.ALWAYS;
        }
        if (node.has("start_date")) {
            return new PriceSchedule.Constraint.StartDate(date(node.get("start_date"), path + ".start_date"));
        }
        if (node.has("start_time") && node.has("end_time")) {
            return new PriceSchedule.Constraint.TimeOfDay(utcTime(node.get("start_time"), path + ".start_time"),
                    utcTime(node.get("end_time"), path + ".end_time"));
        }
        throw new IllegalStateException(path + ": unknown constraint " + node);
    }

    // Parsed by hand: java.time's formatters cost tens of milliseconds to set up at cold start.
    private static final Pattern DATE = Pattern.compile("(\\d{4})-(\\d{2})-(\\d{2})");
    private static final Pattern UTC_TIME = Pattern.compile("(\\d{2}):(\\d{2}):(\\d{2})Z");

    private static LocalDate date(JsonNode node, String path) {
        Matcher m = DATE.matcher(node.asText());
        if (!m.matches()) {
            throw new IllegalStateException(path + ": expected YYYY-MM-DD, got " + node.asText());
        }
        return LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    private static LocalTime utcTime(JsonNode node, String path) {
        Matcher m = UTC_TIME.matcher(node.asText());
        if (!m.matches()) {
            throw new IllegalStateException(path + ": expected a UTC time HH:MM:SSZ, got " + node.asText());
        }
        return LocalTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    /**
     * One set of prices. Each field is a decimal string or {@code {base, tiers:[{start, price}]}}; fields may be
     * tiered at different thresholds, so the tiers of the result are the union of every field's thresholds, each
     * carrying every field's rate in force above it.
     */
    private static ModelPrice priceSet(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return null;
        }
        BigDecimal[] base = new BigDecimal[FIELDS.length];
        List<TreeMap<Long, BigDecimal>> fieldTiers = new ArrayList<>();
        TreeSet<Long> thresholds = new TreeSet<>();
        for (int f = 0; f < FIELDS.length; f++) {
            JsonNode value = node.get(FIELDS[f]);
            TreeMap<Long, BigDecimal> tiers = new TreeMap<>();
            if (value != null && value.isObject()) {
                base[f] = decimal(value.get("base"), path + "." + FIELDS[f] + ".base");
                JsonNode list = value.path("tiers");
                for (int t = 0; t < list.size(); t++) {
                    long start = list.get(t).path("start").asLong(-1);
                    if (start < 0) {
                        throw new IllegalStateException(path + "." + FIELDS[f] + ".tiers[" + t + "].start: missing");
                    }
                    tiers.put(start, decimal(list.get(t).get("price"), path + "." + FIELDS[f] + ".tiers[" + t + "]"));
                }
                thresholds.addAll(tiers.keySet());
            } else if (value != null) {
                base[f] = decimal(value, path + "." + FIELDS[f]);
            }
            fieldTiers.add(tiers);
        }
        if (base[0] == null || base[1] == null) {
            throw new IllegalStateException(path + ": input_mtok and output_mtok are required (or prices: null)");
        }
        List<PriceTier> tiers = new ArrayList<>();
        for (long above : thresholds) {
            BigDecimal[] rate = new BigDecimal[FIELDS.length];
            for (int f = 0; f < FIELDS.length; f++) {
                Map.Entry<Long, BigDecimal> inForce = fieldTiers.get(f).floorEntry(above);
                rate[f] = inForce != null ? inForce.getValue() : base[f];
            }
            tiers.add(new PriceTier(above, rate[0], rate[1], rate[2], rate[3]));
        }
        return new ModelPrice(base[0], base[1], base[2], base[3], tiers);
    }

    private static BigDecimal decimal(JsonNode node, String path) {
        if (node == null || !node.isTextual()) {
            throw new IllegalStateException(path + ": expected a decimal string");
        }
        try {
            return new BigDecimal(node.asText());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(path + ": not a decimal: " + node.asText(), e);
        }
    }

    private static String text(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalStateException(path + "." + field + ": expected text");
        }
        return value.asText();
    }
}
