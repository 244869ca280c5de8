package dev.tollgate.fakes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fake Anthropic Admin API on loopback: {@code GET /v1/organizations/cost_report} and
 * {@code GET /v1/organizations/usage_report/messages}, in the documented shapes: pages of
 * {@code {"data":[{"starting_at","ending_at","results":[...]}],"has_more","next_page"}}, cost results with
 * {@code amount} as a decimal string in cents and {@code currency} "USD" (per model and token type when grouped
 * by description; tool costs such as web search name no model), usage results with uncached input, cache reads,
 * 5-minute and 1-hour cache writes and output tokens. It checks the admin key ({@code x-api-key}),
 * {@code anthropic-version}, an RFC 3339 {@code starting_at}, {@code bucket_width}, {@code group_by[]} values and
 * {@code limit} (1 to 31 daily buckets), and pages by buckets. A day never published has no bucket; errors are
 * Anthropic-shaped ({@code {"type":"error","error":{"type","message"}}}).
 */
public final class FakeAnthropicBillingServer extends BillingFakeServer {

    public static final String COST_REPORT = "/v1/organizations/cost_report";
    public static final String MESSAGES_USAGE = "/v1/organizations/usage_report/messages";

    private record Cost(String model, String costType, String tokenType, String description, String workspace,
                        BigDecimal cents) {
    }

    private record Usage(String model, String workspace, long uncached, long cacheRead, long cache5m, long cache1h,
                         long output) {
    }

    private final String adminKey;
    private final Map<LocalDate, List<Cost>> costs = new ConcurrentHashMap<>();
    private final Map<LocalDate, List<Usage>> usage = new ConcurrentHashMap<>();
    private volatile int pageSize = Integer.MAX_VALUE;

    public FakeAnthropicBillingServer(String adminKey) throws IOException {
        this.adminKey = adminKey;
    }

    /** The base URL of the API (its paths begin with /v1). */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** Publishes a token cost of a day, in cents as a decimal string, e.g. {@code "1234.5678"}. */
    public FakeAnthropicBillingServer tokenCost(LocalDate day, String model, String tokenType, String workspace,
                                                String cents) {
        costs.computeIfAbsent(day, d -> new ArrayList<>()).add(new Cost(model, "tokens", tokenType,
                "Claude " + model + " usage - " + tokenType.replace('_', ' '), workspace, new BigDecimal(cents)));
        return this;
    }

    /** Publishes a web search cost (it names no model). */
    public FakeAnthropicBillingServer webSearchCost(LocalDate day, String workspace, String cents) {
        costs.computeIfAbsent(day, d -> new ArrayList<>()).add(new Cost(null, "web_search", null, "Web Search",
                workspace, new BigDecimal(cents)));
        return this;
    }

    public FakeAnthropicBillingServer usage(LocalDate day, String model, String workspace, long uncached,
                                            long cacheRead, long cache5m, long cache1h, long output) {
        usage.computeIfAbsent(day, d -> new ArrayList<>()).add(new Usage(model, workspace, uncached, cacheRead,
                cache5m, cache1h, output));
        return this;
    }

    public void unpublish(LocalDate day) {
        costs.remove(day);
        usage.remove(day);
    }

    public void pageSize(int buckets) {
        this.pageSize = buckets;
    }

    @Override
    Answer answer(Received request) {
        if (!adminKey.equals(request.headers().get("x-api-key"))) {
            return error(401, "authentication_error", "invalid x-api-key");
        }
        if (request.headers().get("anthropic-version") == null) {
            return error(400, "invalid_request_error", "anthropic-version: header is required");
        }
        boolean isCost = request.path().equals(COST_REPORT);
        if (!isCost && !request.path().equals(MESSAGES_USAGE)) {
            return error(404, "not_found_error", "Not found");
        }
        LocalDate first;
        LocalDate end;
        try {
            first = day(request.first("starting_at"));
            end = request.first("ending_at") == null ? null : day(request.first("ending_at"));
        } catch (RuntimeException e) {
            return error(400, "invalid_request_error", "starting_at: must be an RFC 3339 timestamp");
        }
        String width = request.first("bucket_width");
        if (width != null && !(isCost ? Set.of("1d") : Set.of("1d", "1h", "1m")).contains(width)) {
            return error(400, "invalid_request_error", "bucket_width: invalid value");
        }
        if ("1h".equals(width) || "1m".equals(width)) {
            return error(400, "invalid_request_error", "bucket_width: only 1d is simulated by this fake");
        }
        Set<String> allowed = isCost ? Set.of("workspace_id", "description")
                : Set.of("api_key_id", "workspace_id", "model", "service_tier", "context_window", "inference_geo",
                        "speed", "account_id", "service_account_id");
        List<String> groupBy = request.query().getOrDefault("group_by[]", List.of());
        for (String g : groupBy) {
            if (!allowed.contains(g)) {
                return error(400, "invalid_request_error", "group_by: invalid value " + g);
            }
        }
        int limit = request.first("limit") == null ? 7 : Integer.parseInt(request.first("limit"));
        if (limit < 1 || limit > 31) {
            return error(400, "invalid_request_error", "limit: must be between 1 and 31");
        }
        if (request.first("page") != null) {
            first = LocalDate.parse(new String(Base64.getDecoder().decode(
                    request.first("page").substring("page_".length())), StandardCharsets.UTF_8));
        }
        int perPage = Math.min(limit, pageSize);
        LocalDate stop = first.plusDays(perPage);
        LocalDate last = end == null ? first.plusDays(limit) : end;
        if (stop.isAfter(last)) {
            stop = last;
        }
        ObjectNode page = JSON.createObjectNode();
        ArrayNode data = page.putArray("data");
        for (LocalDate day = first; day.isBefore(stop); day = day.plusDays(1)) {
            if (!costs.containsKey(day) && !usage.containsKey(day)) {
                continue;
            }
            ObjectNode bucket = data.addObject();
            bucket.put("starting_at", day.atStartOfDay(ZoneOffset.UTC).toInstant().toString());
            bucket.put("ending_at", day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toString());
            ArrayNode results = bucket.putArray("results");
            if (isCost) {
                costResults(day, groupBy, results);
            } else {
                usageResults(day, groupBy, results);
            }
        }
        boolean more = stop.isBefore(last);
        page.put("has_more", more);
        if (more) {
            page.put("next_page", "page_" + Base64.getEncoder().encodeToString(
                    stop.toString().getBytes(StandardCharsets.UTF_8)));
        } else {
            page.putNull("next_page");
        }
        return new Answer(200, page);
    }

    private void costResults(LocalDate day, List<String> groupBy, ArrayNode results) {
        boolean byDescription = groupBy.contains("description");
        boolean byWorkspace = groupBy.contains("workspace_id");
        Map<List<Object>, BigDecimal> groups = new LinkedHashMap<>();
        Map<List<Object>, Cost> samples = new LinkedHashMap<>();
        for (Cost cost : costs.getOrDefault(day, List.of())) {
            List<Object> key = Arrays.asList(byDescription ? cost.description() : null,
                    byDescription ? cost.model() : null, byWorkspace ? cost.workspace() : null);
            groups.merge(key, cost.cents(), BigDecimal::add);
            samples.putIfAbsent(key, cost);
        }
        groups.forEach((key, cents) -> {
            Cost sample = samples.get(key);
            boolean tokens = byDescription && "tokens".equals(sample.costType());
            ObjectNode result = results.addObject();
            result.put("currency", "USD");
            result.put("amount", cents.toPlainString());
            text(result, "workspace_id", byWorkspace ? sample.workspace() : null);
            text(result, "description", byDescription ? sample.description() : null);
            text(result, "cost_type", byDescription ? sample.costType() : null);
            text(result, "context_window", tokens ? "0-200k" : null);
            text(result, "model", tokens ? sample.model() : null);
            text(result, "service_tier", tokens ? "standard" : null);
            text(result, "token_type", tokens ? sample.tokenType() : null);
        });
    }

    private void usageResults(LocalDate day, List<String> groupBy, ArrayNode results) {
        boolean byModel = groupBy.contains("model");
        boolean byWorkspace = groupBy.contains("workspace_id");
        Map<List<String>, long[]> groups = new LinkedHashMap<>();
        for (Usage u : usage.getOrDefault(day, List.of())) {
            long[] sums = groups.computeIfAbsent(Arrays.asList(byModel ? u.model() : null,
                    byWorkspace ? u.workspace() : null), k -> new long[5]);
            sums[0] += u.uncached();
            sums[1] += u.cacheRead();
            sums[2] += u.cache5m();
            sums[3] += u.cache1h();
            sums[4] += u.output();
        }
        groups.forEach((key, sums) -> {
            ObjectNode result = results.addObject();
            result.put("uncached_input_tokens", sums[0]);
            ObjectNode cacheCreation = result.putObject("cache_creation");
            cacheCreation.put("ephemeral_1h_input_tokens", sums[3]);
            cacheCreation.put("ephemeral_5m_input_tokens", sums[2]);
            result.put("cache_read_input_tokens", sums[1]);
            result.put("output_tokens", sums[4]);
            result.putObject("server_tool_use").put("web_search_requests", 0);
            result.putNull("api_key_id");
            text(result, "workspace_id", key.get(1));
            text(result, "model", key.get(0));
            result.putNull("service_tier");
            result.putNull("context_window");
        });
    }

    private static LocalDate day(String rfc3339) {
        if (rfc3339 == null) {
            throw new DateTimeParseException("missing", "", 0);
        }
        return OffsetDateTime.parse(rfc3339).atZoneSameInstant(ZoneOffset.UTC).toLocalDate();
    }

    private static void text(ObjectNode node, String name, String value) {
        if (value == null) {
            node.putNull(name);
        } else {
            node.put(name, value);
        }
    }

    private static Answer error(int status, String type, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("type", "error");
        ObjectNode error = body.putObject("error");
        error.put("type", type);
        error.put("message", message);
        body.put("request_id", "req_011CSHoEeqs5C35K2UUqR7Fy");
        return new Answer(status, body);
    }
}
