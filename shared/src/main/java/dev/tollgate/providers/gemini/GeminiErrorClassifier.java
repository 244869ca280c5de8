package dev.tollgate.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.errors.ProviderError;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.RetryAfter;
import dev.tollgate.secrets.Credential;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Maps a Google API error ({@code {"error":{"code","message","status","details":[...]}}}) to a
 * {@link ProviderError}. The one subtle case is 429 RESOURCE_EXHAUSTED, which Google uses both for a per-minute
 * throttle and for an exhausted daily or billing quota, often with the same "check your plan and billing details"
 * text: the {@code QuotaFailure} detail's quota ids tell them apart (PerMinute vs PerDay), the {@code RetryInfo}
 * detail gives the wait, and only without that structure does the message decide.
 */
final class GeminiErrorClassifier {

    private static final String QUOTA_FAILURE = "type.googleapis.com/google.rpc.QuotaFailure";
    private static final String RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo";
    private static final String ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo";

    private final Clock clock;

    GeminiErrorClassifier(Clock clock) {
        this.clock = clock;
    }

    ProviderError classify(String provider, int status, HttpHeaders headers, byte[] body,
                           Optional<Credential> credential) {
        JsonNode error = errorObject(body);
        String message = error == null ? null : GeminiResponseMapper.text(error, "message");
        if (message != null && credential.isPresent()) {
            message = credential.get().redactFrom(message);
        }
        String grpcStatus = error == null ? "" : error.path("status").asText("");
        JsonNode details = error == null ? null : error.get("details");
        String lower = message == null ? "" : message.toLowerCase(Locale.ROOT);
        String text = message == null ? "status " + status : message;
        return switch (status) {
            case 429 -> resourceExhausted(provider, headers, details, lower);
            case 400 -> {
                if ("API_KEY_INVALID".equals(errorInfoReason(details)) || lower.contains("api key not valid")) {
                    yield ProviderError.authFailed(provider, status);
                }
                if ("FAILED_PRECONDITION".equals(grpcStatus)) {
                    // Billing not enabled, or the API not offered where the gateway runs: a target-level problem.
                    yield lower.contains("billing") ? ProviderError.quotaExceeded(provider, status)
                            : ProviderError.authFailed(provider, status);
                }
                if (lower.contains("exceeds the maximum number of tokens")
                        || lower.contains("input token count") && lower.contains("exceeds")) {
                    yield ProviderError.contextLengthExceeded(provider, status, text);
                }
                yield ProviderError.badRequest(provider, status, text, null);
            }
            case 401, 403 -> ProviderError.authFailed(provider, status);
            case 404 -> ProviderError.upstreamNotFound(provider, text);
            case 408, 504 -> ProviderError.timeout(provider, status, null);
            case 500 -> ProviderError.serverError(provider, status);
            case 503 -> ProviderError.overloaded(provider, status);
            default -> status >= 500 ? ProviderError.serverError(provider, status)
                    : ProviderError.badRequest(provider, status, text, null);
        };
    }

    private ProviderError resourceExhausted(String provider, HttpHeaders headers, JsonNode details, String message) {
        boolean perDay = false;
        boolean shortWindow = false;
        Duration retryDelay = null;
        if (details != null) {
            for (JsonNode detail : details) {
                String type = detail.path("@type").asText();
                if (QUOTA_FAILURE.equals(type)) {
                    for (JsonNode violation : detail.path("violations")) {
                        String quotaId = violation.path("quotaId").asText("");
                        perDay |= quotaId.contains("PerDay");
                        shortWindow |= quotaId.contains("PerMinute") || quotaId.contains("PerSecond");
                    }
                } else if (RETRY_INFO.equals(type)) {
                    retryDelay = protoDuration(detail.path("retryDelay").asText(""));
                }
            }
        }
        if (perDay) {
            return ProviderError.quotaExceeded(provider, 429);
        }
        boolean billingMessage = message.contains("check your plan") || message.contains("billing")
                || message.contains("credits");
        if (billingMessage && !shortWindow && retryDelay == null) {
            return ProviderError.quotaExceeded(provider, 429);
        }
        return ProviderError.rateLimited(provider, retryDelay != null ? retryDelay : RetryAfter.from(headers, clock));
    }

    /** A protobuf Duration in JSON: decimal seconds with an "s" suffix, e.g. "13s" or "0.5s". */
    static Duration protoDuration(String text) {
        if (!text.endsWith("s")) {
            return null;
        }
        try {
            BigDecimal seconds = new BigDecimal(text.substring(0, text.length() - 1));
            return seconds.signum() < 0 ? Duration.ZERO
                    : Duration.ofMillis(seconds.movePointRight(3).setScale(0, RoundingMode.CEILING)
                    .longValueExact());
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    private static String errorInfoReason(JsonNode details) {
        if (details != null) {
            for (JsonNode detail : details) {
                if (ERROR_INFO.equals(detail.path("@type").asText())) {
                    return detail.path("reason").asText(null);
                }
            }
        }
        return null;
    }

    private static JsonNode errorObject(byte[] body) {
        try {
            JsonNode root = JsonCodec.parse(body);
            // Some Google front ends wrap the error in a one-element array.
            if (root != null && root.isArray() && !root.isEmpty()) {
                root = root.get(0);
            }
            JsonNode error = root == null ? null : root.get("error");
            return error != null && error.isObject() ? error : null;
        } catch (IOException e) {
            return null;
        }
    }
}
