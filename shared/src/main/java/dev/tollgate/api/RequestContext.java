package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.Target;
import dev.tollgate.errors.GatewayException;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.log.RequestLog;
import dev.tollgate.metrics.RequestOutcome;
import dev.tollgate.providers.Usage;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/** What is known about one request as it moves through the gateway: for headers and for the log line. */
public final class RequestContext {

    private final String requestId;
    private final long startNanos;
    private final ObjectNode summary;
    private final ArrayNode failures;
    private final RequestLog log;
    private Target target;
    private int attempts;
    private String route;
    private BigDecimal costUsd;
    private boolean counted;

    public RequestContext(String requestId, String method, String path, RequestLog log) {
        this.requestId = requestId;
        this.startNanos = System.nanoTime();
        this.summary = log.event("INFO", "request");
        summary.put("request_id", requestId);
        summary.put("method", method);
        summary.put("path", path);
        this.failures = JsonCodec.MAPPER.createArrayNode();
        this.log = log;
    }

    public String requestId() {
        return requestId;
    }

    public void authenticated(String keyId) {
        summary.put("key_id", keyId);
    }

    void routed(String route, boolean stream) {
        this.route = route;
        summary.put("route", route);
        summary.put("stream", stream);
    }

    void attempted(Target next) {
        target = next;
        attempts++;
    }

    void failedAttempt(Target failed, GatewayException error) {
        ObjectNode failure = failures.addObject();
        failure.put("target", failed.label());
        failure.put("code", error.code());
        failure.put("status", error.status());
    }

    String providerLabel() {
        return target == null ? "unknown" : target.provider();
    }

    /** Response headers; the provider headers appear once a target is chosen. */
    public Map<String, String> headers(String contentType) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", contentType);
        headers.put("x-request-id", requestId);
        if (contentType.startsWith("text/event-stream")) {
            headers.put("Cache-Control", "no-cache");
        }
        if (target != null) {
            headers.put("x-tollgate-provider", target.provider());
            headers.put("x-tollgate-model", target.model());
            headers.put("x-tollgate-attempts", Integer.toString(attempts));
        }
        return headers;
    }

    /** The request's cost, logged as {@code cost_usd} and, when called before {@link #finished}, counted as CostUsd. */
    public void priced(BigDecimal usd) {
        costUsd = usd;
        summary.put("cost_usd", usd);
    }

    /** Records the outcome for the log line and counts the request in the metrics (once, however often called). */
    public void finished(int status, Usage usage, String outcome) {
        summary.put("status", status);
        summary.put("outcome", outcome);
        summary.put("latency_ms", (System.nanoTime() - startNanos) / 1_000_000);
        summary.put("attempts", attempts);
        if (target != null) {
            summary.put("provider", target.provider());
            summary.put("upstream_model", target.model());
        }
        if (usage != null) {
            summary.put("prompt_tokens", usage.promptTokens());
            summary.put("completion_tokens", usage.completionTokens());
            summary.put("cached_tokens", usage.cachedTokens());
        }
        if (!failures.isEmpty()) {
            summary.set("failed_attempts", failures);
        }
        if (!counted) {
            counted = true;
            long latencyMs = summary.get("latency_ms").asLong();
            log.metrics().request(new RequestOutcome(route, target == null ? null : target.provider(), status,
                    outcome, latencyMs, attempts, usage, costUsd));
        }
    }

    public ObjectNode summary() {
        return summary;
    }
}
