package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.budget.Metering;
import dev.tollgate.budget.Money;
import dev.tollgate.config.GatewayKey;
import dev.tollgate.config.Target;
import dev.tollgate.core.GatewayRequest;
import dev.tollgate.errors.ProviderError;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.log.RequestLog;
import dev.tollgate.metrics.RequestOutcome;
import dev.tollgate.providers.ChatResult;
import dev.tollgate.providers.ChunkStream;
import dev.tollgate.providers.Usage;
import dev.tollgate.routing.AttemptListener;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What is known about one request as it moves through the gateway: the caller, the route, every attempt. It feeds
 * the response headers (on answers and on errors alike) and the one log line written per request.
 */
public final class RequestContext implements AttemptListener {

    private final String requestId;
    private final GatewayRequest request;
    private final long startNanos;
    private final ObjectNode summary;
    private final ArrayNode failures;
    private final Set<String> targetsTried = new HashSet<>();
    private GatewayKey key;
    private String route;
    private Target target;
    private int attempts;
    private long promptEstimate;
    private Metering metering;
    private Metering.Settlement settlement;
    private final RequestLog log;
    private BigDecimal costUsd;
    private boolean counted;
    /** Set only on a route with {@code log_payloads: true}. */
    private PayloadTranscript payloads;

    public RequestContext(String requestId, GatewayRequest request, String path, RequestLog log) {
        this.requestId = requestId;
        this.request = request;
        this.startNanos = System.nanoTime();
        this.summary = log.event("INFO", "request");
        summary.put("request_id", requestId);
        summary.put("method", request.method());
        summary.put("path", path);
        this.failures = JsonCodec.MAPPER.createArrayNode();
        this.log = log;
    }

    public String requestId() {
        return requestId;
    }

    public String header(String name) {
        return request.header(name);
    }

    public Instant deadline() {
        return request.deadline();
    }

    public void authenticated(GatewayKey caller) {
        this.key = caller;
        summary.put("key_id", caller.id());
        if (caller.team() != null) {
            summary.put("team", caller.team());
        }
    }

    public GatewayKey key() {
        return key;
    }

    /** Budgets and rate limits of this request, settled when it finishes. */
    void meter(Metering requestMetering, long estimatedPromptTokens) {
        this.metering = requestMetering;
        this.promptEstimate = estimatedPromptTokens;
    }

    public long promptEstimate() {
        return promptEstimate;
    }

    void routed(String routeName, boolean stream) {
        this.route = routeName;
        summary.put("route", routeName);
        summary.put("stream", stream);
    }

    void switchedRoute(String from, String to) {
        summary.put("route_switched_from", from);
        routed(to, summary.path("stream").asBoolean());
    }

    /** The route opted in to logging payloads: this request's messages and completion go into its log line. */
    void logPayloads(ObjectNode openAiRequest) {
        payloads = new PayloadTranscript(openAiRequest);
    }

    /** The answer, its text taken down when payloads are logged. */
    ChatResult transcribed(ChatResult result) {
        if (payloads != null) {
            payloads.whole(result);
        }
        return result;
    }

    /** The stream, its text taken down as it passes when payloads are logged. */
    ChunkStream transcribed(ChunkStream chunks) {
        return payloads == null ? chunks : payloads.observe(chunks);
    }

    @Override
    public void attempted(Target next) {
        target = next;
        targetsTried.add(next.id());
        attempts++;
    }

    @Override
    public void failed(Target failed, ProviderError error) {
        ObjectNode failure = failures.addObject();
        failure.put("target", failed.label());
        failure.put("code", error.code());
        failure.put("status", error.status());
        if (error.upstreamStatus() > 0) {
            failure.put("upstream_status", error.upstreamStatus());
        }
    }

    @Override
    public void skipped(Target skipped, String reason) {
        ObjectNode skip = failures.addObject();
        skip.put("target", skipped.label());
        skip.put("skipped", reason);
    }

    public String providerLabel() {
        return target == null ? "unknown" : target.provider();
    }

    /** Response headers: the request id always; the route and attempt figures once known. */
    public Map<String, String> headers(String contentType) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", contentType);
        headers.put("x-request-id", requestId);
        if (contentType.startsWith("text/event-stream")) {
            headers.put("Cache-Control", "no-cache");
        }
        if (route != null) {
            headers.put("x-tollgate-route", route);
        }
        if (target != null) {
            headers.put("x-tollgate-provider", target.provider());
            headers.put("x-tollgate-model", target.model());
            headers.put("x-tollgate-attempts", Integer.toString(attempts));
            headers.put("x-tollgate-fallbacks", Integer.toString(targetsTried.size() - 1));
        }
        if (settlement != null) {
            headers.put("x-tollgate-cost-usd", Money.format(settlement.costNanos()));
            settlement.tightest().ifPresent(t -> {
                headers.put("x-tollgate-budget-scope", t.getKey());
                headers.put("x-tollgate-budget-remaining-usd", Money.format(t.getValue()));
            });
        }
        return headers;
    }

    /** The request's cost when no budget settlement priced it, logged as {@code cost_usd} and counted as CostUsd. */
    public void priced(BigDecimal usd) {
        costUsd = usd;
        summary.put("cost_usd", usd);
    }

    /**
     * The request is over: settle its budgets, fill its log line, and count it in the metrics (once, however often
     * called). {@code usage} null when nothing answered.
     */
    public void finished(int status, Usage usage, String outcome) {
        finished(status, usage, false, outcome);
    }

    public void finished(int status, Usage usage, boolean estimated, String outcome) {
        long latencyMs = (System.nanoTime() - startNanos) / 1_000_000;
        if (metering != null && settlement == null) {
            settlement = metering.complete(usage == null ? null : target, usage == null ? Usage.NONE : usage,
                    estimated, outcome, status, latencyMs, attempts);
            summary.put("cost_usd", Money.format(settlement.costNanos()));
            costUsd = Money.usd(settlement.costNanos());
            if (estimated) {
                summary.put("usage_estimated", true);
            }
        }
        summary.put("status", status);
        summary.put("outcome", outcome);
        summary.put("latency_ms", latencyMs);
        summary.put("attempts", attempts);
        summary.put("fallbacks", Math.max(0, targetsTried.size() - 1));
        if (target != null) {
            summary.put("provider", target.provider());
            summary.put("upstream_model", target.model());
        }
        if (usage != null) {
            summary.put("prompt_tokens", usage.promptTokens());
            summary.put("completion_tokens", usage.completionTokens());
            summary.put("cached_tokens", usage.cachedTokens());
            if (usage.cacheWriteTokens() > 0) {
                summary.put("cache_write_tokens", usage.cacheWriteTokens());
            }
        }
        if (!failures.isEmpty()) {
            summary.set("failed_attempts", failures);
        }
        if (payloads != null) {
            payloads.writeTo(summary);
        }
        if (!counted) {
            counted = true;
            Long budgetUsedPct = settlement == null || settlement.usedPct().isEmpty() ? null
                    : settlement.usedPct().getAsLong();
            log.metrics().request(new RequestOutcome(route, target == null ? null : target.provider(), status,
                    outcome, latencyMs, attempts, usage, costUsd, budgetUsedPct));
        }
    }

    public ObjectNode summary() {
        return summary;
    }
}
