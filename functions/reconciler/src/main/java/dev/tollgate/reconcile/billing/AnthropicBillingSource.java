package dev.tollgate.reconcile.billing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.reconcile.BilledMoney;
import dev.tollgate.reconcile.TokenCounts;
import dev.tollgate.routing.Sleeper;
import dev.tollgate.secrets.Credential;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Anthropic's Admin API: {@code GET /v1/organizations/cost_report} (daily; grouped by description, each result
 * names its model, or none for tool costs such as web search; {@code amount} is a decimal string in cents,
 * converted exactly) and {@code GET /v1/organizations/usage_report/messages} (tokens by model: uncached input,
 * cache reads, 5-minute and 1-hour cache writes, output). Read with {@code x-api-key} (an admin key) and
 * {@code anthropic-version}; pages through {@code next_page} while {@code has_more}. With workspaces configured,
 * only their costs count ({@code default} names the default workspace, whose id is null).
 */
public final class AnthropicBillingSource implements BillingSource {

    public static final String DEFAULT_BASE_URL = "https://api.anthropic.com";
    static final String API_VERSION = "2023-06-01";
    private static final int MAX_BUCKETS = 31;

    private final AdminPages pages;
    private final Credential adminKey;
    private final Set<String> workspaces;

    public AnthropicBillingSource(HttpClient client, String baseUrl, Credential adminKey, List<String> workspaces,
                                  Clock clock, Sleeper sleeper) {
        this.pages = new AdminPages(client, baseUrl, adminKey, clock, sleeper);
        this.adminKey = adminKey;
        this.workspaces = Set.copyOf(workspaces);
    }

    @Override
    public String provider() {
        return "anthropic";
    }

    @Override
    public BilledUsage fetch(LocalDate from, LocalDate to) throws BillingException {
        BillBuilder bill = new BillBuilder(from, to);
        long limit = Math.min(ChronoUnit.DAYS.between(from, to) + 1, MAX_BUCKETS);
        for (JsonNode bucket : buckets("/v1/organizations/cost_report", from, to, "description", limit)) {
            LocalDate day = dayOf(bucket);
            bill.costBucket(day);
            for (JsonNode result : bucket.path("results")) {
                if (!counts(result)) {
                    continue;
                }
                String currency = result.path("currency").asText("USD");
                if (!"USD".equals(currency.toUpperCase(Locale.ROOT))) {
                    throw new BillingException("cost_report reported currency " + currency
                            + "; only USD is reconciled", 200, null);
                }
                JsonNode amount = result.path("amount");
                if (!amount.isTextual()) {
                    throw new BillingException("cost_report amount is not a decimal string", 200, null);
                }
                bill.cost(day, result.path("model").asText(null), BilledMoney.usdFromCents(amount.asText()));
            }
        }
        for (JsonNode bucket : buckets("/v1/organizations/usage_report/messages", from, to, "model", limit)) {
            LocalDate day = dayOf(bucket);
            for (JsonNode result : bucket.path("results")) {
                if (!counts(result)) {
                    continue;
                }
                JsonNode cacheWrites = result.path("cache_creation");
                long prompt = result.path("uncached_input_tokens").asLong()
                        + result.path("cache_read_input_tokens").asLong()
                        + cacheWrites.path("ephemeral_5m_input_tokens").asLong()
                        + cacheWrites.path("ephemeral_1h_input_tokens").asLong();
                bill.tokens(day, result.path("model").asText(null),
                        new TokenCounts(prompt, result.path("output_tokens").asLong(), -1));
            }
        }
        return bill.build(provider());
    }

    private boolean counts(JsonNode result) {
        if (workspaces.isEmpty()) {
            return true;
        }
        String workspace = result.path("workspace_id").asText(null);
        return workspaces.contains(workspace == null ? "default" : workspace);
    }

    private List<JsonNode> buckets(String path, LocalDate from, LocalDate to, String groupBy, long limit)
            throws BillingException {
        List<Map.Entry<String, String>> query = new ArrayList<>();
        query.add(Map.entry("starting_at", from.atStartOfDay(ZoneOffset.UTC).toInstant().toString()));
        query.add(Map.entry("ending_at", to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toString()));
        query.add(Map.entry("bucket_width", "1d"));
        query.add(Map.entry("group_by[]", groupBy));
        if (!workspaces.isEmpty()) {
            query.add(Map.entry("group_by[]", "workspace_id"));
        }
        query.add(Map.entry("limit", Long.toString(limit)));
        return pages.all(path, query, Map.of("x-api-key", adminKey.reveal(), "anthropic-version", API_VERSION));
    }

    private static LocalDate dayOf(JsonNode bucket) {
        return OffsetDateTime.parse(bucket.path("starting_at").asText()).atZoneSameInstant(ZoneOffset.UTC).toLocalDate();
    }
}
