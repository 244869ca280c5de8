package dev.tollgate.reconcile.billing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.RetryAfter;
import dev.tollgate.routing.Sleeper;
import dev.tollgate.secrets.Credential;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * GET of an admin (billing) endpoint as JSON. Rate limits and server errors are retried a few times, honouring
 * Retry-After (capped), because the admin APIs are rate limited per organization and the run is not urgent. The
 * key goes in the header only; an error body is redacted of it before it reaches a message.
 */
final class AdminHttp {

    static final int MAX_ATTEMPTS = 4;
    private static final Duration MAX_WAIT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final Duration timeout;
    private final Sleeper sleeper;
    private final Clock clock;

    AdminHttp(HttpClient http, Duration timeout, Sleeper sleeper, Clock clock) {
        this.http = http;
        this.timeout = timeout;
        this.sleeper = sleeper;
        this.clock = clock;
    }

    JsonNode get(String baseUrl, String path, List<Map.Entry<String, String>> query, Map<String, String> headers,
                 Credential key) throws BillingException {
        URI uri = URI.create(baseUrl + path + "?" + encode(query));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).GET()
                .header("Accept", "application/json");
        headers.forEach(request::header);
        for (int attempt = 1; ; attempt++) {
            HttpResponse<byte[]> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                if (attempt < MAX_ATTEMPTS) {
                    pause(Duration.ofSeconds(attempt));
                    continue;
                }
                throw new BillingException("GET " + path + " failed: " + e.getClass().getSimpleName(), 0, null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BillingException("GET " + path + " interrupted", 0, null);
            }
            int status = response.statusCode();
            if (status / 100 == 2) {
                try {
                    return JsonCodec.parse(response.body());
                } catch (IOException e) {
                    throw new BillingException("GET " + path + " answered malformed JSON", status, null);
                }
            }
            boolean retryable = status == 429 || status == 500 || status == 502 || status == 503 || status == 504
                    || status == 529;
            if (retryable && attempt < MAX_ATTEMPTS) {
                Duration hint = RetryAfter.from(response.headers(), clock);
                pause(hint == null ? Duration.ofSeconds(attempt) : hint);
                continue;
            }
            throw new BillingException("GET " + path + " answered " + status + ": "
                    + key.redactFrom(snippet(response.body())), status, null);
        }
    }

    private void pause(Duration wait) throws BillingException {
        try {
            sleeper.sleep(wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BillingException("interrupted while waiting to retry", 0, null);
        }
    }

    private static String snippet(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).replaceAll("\\s+", " ").strip();
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    static String encode(List<Map.Entry<String, String>> query) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> parameter : query) {
            if (!out.isEmpty()) {
                out.append('&');
            }
            out.append(URLEncoder.encode(parameter.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8));
        }
        return out.toString();
    }
}
