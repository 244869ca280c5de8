package dev.tollgate.fakes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fake OpenAI organization usage API on loopback: {@code GET /v1/organization/costs} and
 * {@code GET /v1/organization/usage/completions}, answering {@code UsageResponse} pages of daily
 * {@code UsageTimeBucket}s with {@code CostsResult} / {@code UsageCompletionsResult} entries, as the published
 * OpenAPI document defines them (the conformance test validates every answer against it). It checks what the
 * real API checks (admin key as Bearer, {@code start_time}, {@code bucket_width}, {@code group_by} values,
 * {@code limit} range), groups by what was asked, filters by {@code project_ids}, and pages by buckets:
 * {@code limit} (or a smaller page size a test sets) buckets per page, {@code has_more} and an opaque
 * {@code next_page}. A day the test never published has no bucket at all (data not there yet, or missing); a day
 * published empty has a bucket with no results. Amounts are JSON numbers written exactly as given.
 */
public final class FakeOpenAiBillingServer extends BillingFakeServer {

    public static final String COSTS = "/v1/organization/costs";
    public static final String COMPLETIONS = "/v1/organization/usage/completions";

    private record Cost(String lineItem, String projectId, BigDecimal usd) {
    }

    private record Usage(String model, String projectId, long input, long cached, long output, long requests) {
    }

    private final String adminKey;
    private final Map<LocalDate, List<Cost>> costs = new ConcurrentHashMap<>();
    private final Map<LocalDate, List<Usage>> usage = new ConcurrentHashMap<>();
    private volatile int pageSize = Integer.MAX_VALUE;

    public FakeOpenAiBillingServer(String adminKey) throws IOException {
        this.adminKey = adminKey;
    }

    /** The base URL of the API: {@code http://127.0.0.1:<port>/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    /** Publishes a cost line of a day, e.g. {@code "gpt-4o-mini-2024-07-18, input"}, in USD. */
    public FakeOpenAiBillingServer cost(LocalDate day, String lineItem, String projectId, String usd) {
        costs.computeIfAbsent(day, d -> new ArrayList<>()).add(new Cost(lineItem, projectId, new BigDecimal(usd)));
        return this;
    }

    /** Publishes completions usage of a day; {@code input} includes {@code cached}, as OpenAI counts it. */
    public FakeOpenAiBillingServer usage(LocalDate day, String model, String projectId, long input, long cached,
                                         long output, long requests) {
        usage.computeIfAbsent(day, d -> new ArrayList<>()).add(new Usage(model, projectId, input, cached, output,
                requests));
        return this;
    }

    /** Publishes a day with no costs: its bucket exists, with no results. */
    public FakeOpenAiBillingServer emptyDay(LocalDate day) {
        costs.computeIfAbsent(day, d -> new ArrayList<>());
        usage.computeIfAbsent(day, d -> new ArrayList<>());
        return this;
    }

    /** Takes a day back out: no bucket for it (as before the provider processed it). */
    public void unpublish(LocalDate day) {
        costs.remove(day);
        usage.remove(day);
    }

    /** At most this many buckets per page, whatever the limit asked: forces pagination. */
    public void pageSize(int buckets) {
        this.pageSize = buckets;
    }

    @Override
    Answer answer(Received request) {
        if (!("Bearer " + adminKey).equals(request.headers().get("authorization"))) {
            return error(401, "Incorrect API key provided. You can find your API key at "
                    + "https://platform.openai.com/account/api-keys.", "invalid_request_error", "invalid_api_key");
        }
        boolean isCosts = request.path().equals(COSTS);
        if (!isCosts && !request.path().equals(COMPLETIONS)) {
            return error(404, "Invalid URL (GET " + request.path() + ")", "invalid_request_error", null);
        }
        long start;
        try {
            start = Long.parseLong(Objects.requireNonNull(request.first("start_time")));
        } catch (RuntimeException e) {
            return error(400, "start_time is required and must be an integer", "invalid_request_error", null);
        }
        String width = request.first("bucket_width");
        if (width != null && !width.equals("1d")) {
            return error(400, "Invalid bucket_width: only 1d is supported here", "invalid_request_error", null);
        }
        Set<String> allowed = isCosts ? Set.of("project_id", "line_item", "api_key_id")
                : Set.of("project_id", "user_id", "api_key_id", "model", "batch", "service_tier");
        List<String> groupBy = request.query().getOrDefault("group_by[]", List.of());
        for (String g : groupBy) {
            if (!allowed.contains(g)) {
                return error(400, "Invalid group_by: " + g, "invalid_request_error", null);
            }
        }
        int maxLimit = isCosts ? 180 : 31;
        int limit = request.first("limit") == null ? 7 : Integer.parseInt(request.first("limit"));
        if (limit < 1 || limit > maxLimit) {
            return error(400, "limit must be between 1 and " + maxLimit, "invalid_request_error", null);
        }
        LocalDate first = LocalDate.ofEpochDay(Math.floorDiv(start, 86_400));
        LocalDate end = request.first("end_time") == null ? null
                : LocalDate.ofEpochDay(Math.floorDiv(Long.parseLong(request.first("end_time")) + 86_399, 86_400));
        if (request.first("page") != null) {
            first = LocalDate.parse(new String(Base64.getDecoder().decode(
                    request.first("page").substring("page_".length())), StandardCharsets.UTF_8));
        }
        Set<String> projects = Set.copyOf(request.query().getOrDefault("project_ids[]", List.of()));
        int perPage = Math.min(limit, pageSize);
        LocalDate stop = first.plusDays(perPage);
        LocalDate last = end == null ? first.plusDays(limit) : end;
        if (stop.isAfter(last)) {
            stop = last;
        }
        ObjectNode page = JSON.createObjectNode();
        page.put("object", "page");
        ArrayNode data = page.putArray("data");
        for (LocalDate day = first; day.isBefore(stop); day = day.plusDays(1)) {
            if (!costs.containsKey(day)) {
                continue;
            }
            ObjectNode bucket = data.addObject();
            bucket.put("object", "bucket");
            bucket.put("start_time", day.atStartOfDay(ZoneOffset.UTC).toEpochSecond());
            bucket.put("end_time", day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond());
            ArrayNode results = bucket.putArray("results");
            if (isCosts) {
                costResults(day, groupBy, projects, results);
            } else {
                usageResults(day, groupBy, projects, results);
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

    private void costResults(LocalDate day, List<String> groupBy, Set<String> projects, ArrayNode results) {
        boolean byLine = groupBy.contains("line_item");
        boolean byProject = groupBy.contains("project_id");
        Map<List<String>, BigDecimal> groups = new LinkedHashMap<>();
        for (Cost cost : costs.getOrDefault(day, List.of())) {
            if (!projects.isEmpty() && !projects.contains(cost.projectId())) {
                continue;
            }
            List<String> key = java.util.Arrays.asList(byLine ? cost.lineItem() : null,
                    byProject ? cost.projectId() : null);
            groups.merge(key, cost.usd(), BigDecimal::add);
        }
        groups.forEach((key, usd) -> {
            ObjectNode result = results.addObject();
            result.put("object", "organization.costs.result");
            ObjectNode amount = result.putObject("amount");
            amount.put("value", usd);
            amount.put("currency", "usd");
            putText(result, "line_item", key.get(0));
            putText(result, "project_id", key.get(1));
            result.putNull("api_key_id");
            result.putNull("quantity");
            result.putNull("quantity_unit");
        });
    }

    private void usageResults(LocalDate day, List<String> groupBy, Set<String> projects, ArrayNode results) {
        boolean byModel = groupBy.contains("model");
        boolean byProject = groupBy.contains("project_id");
        Map<List<String>, long[]> groups = new TreeMap<>((a, b) -> String.valueOf(a).compareTo(String.valueOf(b)));
        for (Usage u : usage.getOrDefault(day, List.of())) {
            if (!projects.isEmpty() && !projects.contains(u.projectId())) {
                continue;
            }
            long[] sums = groups.computeIfAbsent(java.util.Arrays.asList(byModel ? u.model() : null,
                    byProject ? u.projectId() : null), k -> new long[4]);
            sums[0] += u.input();
            sums[1] += u.cached();
            sums[2] += u.output();
            sums[3] += u.requests();
        }
        groups.forEach((key, sums) -> {
            ObjectNode result = results.addObject();
            result.put("object", "organization.usage.completions.result");
            result.put("input_tokens", sums[0]);
            result.put("input_cached_tokens", sums[1]);
            result.put("input_cache_write_tokens", 0);
            result.put("input_uncached_tokens", sums[0] - sums[1]);
            result.put("output_tokens", sums[2]);
            result.put("input_text_tokens", sums[0] - sums[1]);
            result.put("output_text_tokens", sums[2]);
            result.put("input_cached_text_tokens", sums[1]);
            result.put("input_audio_tokens", 0);
            result.put("input_cached_audio_tokens", 0);
            result.put("output_audio_tokens", 0);
            result.put("input_image_tokens", 0);
            result.put("input_cached_image_tokens", 0);
            result.put("output_image_tokens", 0);
            result.put("num_model_requests", sums[3]);
            putText(result, "project_id", key.get(1));
            result.putNull("user_id");
            result.putNull("api_key_id");
            putText(result, "model", key.get(0));
            result.putNull("batch");
            result.putNull("service_tier");
        });
    }

    private static void putText(ObjectNode node, String name, String value) {
        if (value == null) {
            node.putNull(name);
        } else {
            node.put(name, value);
        }
    }

    private static Answer error(int status, String message, String type, String code) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.putNull("param");
        if (code == null) {
            error.putNull("code");
        } else {
            error.put("code", code);
        }
        return new Answer(status, body);
    }
}
