package dev.tollgate.reconcile.billing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.routing.Sleeper;
import dev.tollgate.secrets.Credential;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every item of a paged admin (billing) list. OpenAI's and Anthropic's admin APIs page alike: each page answers
 * {@code data}, {@code has_more} and {@code next_page}, and the next request repeats the query with
 * {@code page=<next_page>}. Each page is one {@link AdminHttp} GET, so rate limits and server errors are retried
 * per page and a page that still fails ends the read with its {@link BillingException}.
 */
final class AdminPages {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final AdminHttp http;
    private final String baseUrl;
    private final Credential key;

    AdminPages(HttpClient client, String baseUrl, Credential key, Clock clock, Sleeper sleeper) {
        this.http = new AdminHttp(client, TIMEOUT, sleeper, clock);
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.key = key;
    }

    /**
     * The {@code data} items of all pages, in order.
     *
     * @param headers the request headers, the admin key among them (redacted from any error message)
     */
    List<JsonNode> all(String path, List<Map.Entry<String, String>> query, Map<String, String> headers)
            throws BillingException {
        List<JsonNode> items = new ArrayList<>();
        String page = null;
        do {
            List<Map.Entry<String, String>> pageQuery = new ArrayList<>(query);
            if (page != null) {
                pageQuery.add(Map.entry("page", page));
            }
            JsonNode body = http.get(baseUrl, path, pageQuery, headers, key);
            body.path("data").forEach(items::add);
            page = body.path("has_more").asBoolean(false) ? body.path("next_page").asText(null) : null;
        } while (page != null);
        return items;
    }
}
