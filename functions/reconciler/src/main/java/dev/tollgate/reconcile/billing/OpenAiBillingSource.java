package dev.tollgate.reconcile.billing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.reconcile.TokenCounts;
import dev.tollgate.routing.Sleeper;
import dev.tollgate.secrets.Credential;

import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * OpenAI's organization billing: {@code GET /v1/organization/costs} (daily buckets grouped by line item and
 * project; a line item reads {@code "<model>, <kind>"}, e.g. {@code "gpt-4o-mini-2024-07-18, input"}) and
 * {@code GET /v1/organization/usage/completions} (tokens and requests per model per day). Both are read with an
 * admin key ({@code Authorization: Bearer}) and page through {@code next_page} while {@code has_more}. Amounts
 * are JSON numbers and are read as exact decimals, never as doubles. With projects configured, only those
 * projects' costs count (the gateway's own project, when the organization has other traffic).
 */
public final class OpenAiBillingSource implements BillingSource {

    public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
    private static final int MAX_COST_BUCKETS = 180;
    private static final int MAX_USAGE_BUCKETS = 31;

    private final AdminPages pages;
    private final Credential adminKey;
    private final List<String> projects;

    public OpenAiBillingSource(HttpClient client, String baseUrl, Credential adminKey, List<String> projects,
                               Clock clock, Sleeper sleeper) {
        this.pages = new AdminPages(client, baseUrl, adminKey, clock, sleeper);
        this.adminKey = adminKey;
        this.projects = List.copyOf(projects);
    }

    @Override
    public String provider() {
        return "openai";
    }

    @Override
    public BilledUsage fetch(LocalDate from, LocalDate to) throws BillingException {
        BillBuilder bill = new BillBuilder(from, to);
        long days = ChronoUnit.DAYS.between(from, to) + 1;
        for (JsonNode bucket : buckets("/organization/costs", from, to, List.of("line_item", "project_id"),
                Math.min(days, MAX_COST_BUCKETS))) {
            LocalDate day = dayOf(bucket);
            bill.costBucket(day);
            for (JsonNode result : bucket.path("results")) {
                JsonNode amount = result.path("amount");
                String currency = amount.path("currency").asText("usd");
                if (!"usd".equals(currency.toLowerCase(Locale.ROOT))) {
                    throw new BillingException("/organization/costs reported currency " + currency
                            + "; only usd is reconciled", 200, null);
                }
                bill.cost(day, model(result.path("line_item")), amount.path("value").decimalValue());
            }
        }
        for (JsonNode bucket : buckets("/organization/usage/completions", from, to, List.of("model"),
                Math.min(days, MAX_USAGE_BUCKETS))) {
            LocalDate day = dayOf(bucket);
            for (JsonNode result : bucket.path("results")) {
                bill.tokens(day, result.path("model").asText(null), new TokenCounts(
                        result.path("input_tokens").asLong(), result.path("output_tokens").asLong(),
                        result.path("num_model_requests").asLong()));
            }
        }
        return bill.build(provider());
    }

    /** The model of a line item ("gpt-4o-2024-08-06, cached input"), or null for one that names none. */
    static String model(JsonNode lineItem) {
        if (!lineItem.isTextual()) {
            return null;
        }
        String text = lineItem.asText();
        int comma = text.indexOf(", ");
        return comma <= 0 ? null : text.substring(0, comma);
    }

    private List<JsonNode> buckets(String path, LocalDate from, LocalDate to, List<String> groupBy, long limit)
            throws BillingException {
        List<Map.Entry<String, String>> query = new ArrayList<>();
        query.add(Map.entry("start_time", Long.toString(epoch(from))));
        query.add(Map.entry("end_time", Long.toString(epoch(to.plusDays(1)))));
        query.add(Map.entry("bucket_width", "1d"));
        groupBy.forEach(g -> query.add(Map.entry("group_by[]", g)));
        projects.forEach(p -> query.add(Map.entry("project_ids[]", p)));
        query.add(Map.entry("limit", Long.toString(limit)));
        return pages.all(path, query, Map.of("Authorization", "Bearer " + adminKey.reveal()));
    }

    private static LocalDate dayOf(JsonNode bucket) {
        return Instant.ofEpochSecond(bucket.path("start_time").asLong()).atZone(ZoneOffset.UTC).toLocalDate();
    }

    private static long epoch(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    }
}
