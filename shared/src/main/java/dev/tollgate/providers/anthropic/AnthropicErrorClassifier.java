package dev.tollgate.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.errors.ProviderError;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.RetryAfter;
import dev.tollgate.secrets.Credential;

import java.io.IOException;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Maps Anthropic's errors ({@code {"type":"error","error":{"type":...,"message":...}}}) to {@link ProviderError}s,
 * by HTTP status first and error type second. The upstream message is passed on only for request errors, with the
 * credential redacted.
 */
final class AnthropicErrorClassifier {

    private static final HttpHeaders NO_HEADERS = HttpHeaders.of(Map.of(), (name, value) -> true);

    private final Clock clock;

    AnthropicErrorClassifier(Clock clock) {
        this.clock = clock;
    }

    /** An error answer (non-2xx). */
    ProviderError classify(String provider, int status, HttpHeaders headers, byte[] body,
                           Optional<Credential> credential) {
        JsonNode error = errorObject(body);
        String type = text(error, "type");
        String message = redacted(text(error, "message"), credential);
        if ("billing_error".equals(type) || status == 402 || isBillingMessage(message)
                || "enforced_spend_limit_reached".equals(error == null ? null
                        : error.path("details").path("error_code").asText(null))) {
            return ProviderError.quotaExceeded(provider, status);
        }
        return switch (status) {
            case 429 -> ProviderError.rateLimited(provider, RetryAfter.from(headers, clock));
            case 529 -> ProviderError.overloaded(provider, status);
            case 401, 403 -> ProviderError.authFailed(provider, status);
            case 404 -> ProviderError.upstreamNotFound(provider, message == null ? "not found" : message);
            case 408, 504 -> ProviderError.timeout(provider, status, null);
            case 413 -> ProviderError.badRequest(provider, status,
                    message == null ? "the request is too large" : message, "request_too_large");
            default -> {
                if (status >= 500) {
                    yield "overloaded_error".equals(type) ? ProviderError.overloaded(provider, status)
                            : ProviderError.serverError(provider, status);
                }
                yield requestError(provider, status, message);
            }
        };
    }

    /**
     * An {@code error} event inside a stream that began with 200: no status to go by, so the type decides
     * (it names what the status would have been, e.g. overloaded_error for 529).
     */
    ProviderError classifyEvent(String provider, JsonNode event, Optional<Credential> credential) {
        String type = text(event == null ? null : event.get("error"), "type");
        int status = switch (type == null ? "" : type) {
            case "invalid_request_error" -> 400;
            case "authentication_error" -> 401;
            case "billing_error" -> 402;
            case "permission_error" -> 403;
            case "not_found_error" -> 404;
            case "request_too_large" -> 413;
            case "rate_limit_error" -> 429;
            case "overloaded_error" -> 529;
            case "timeout_error" -> 504;
            default -> 500;
        };
        byte[] body = event == null ? new byte[0] : JsonCodec.bytes(event);
        return classify(provider, status, NO_HEADERS, body, credential);
    }

    private static ProviderError requestError(String provider, int status, String message) {
        String text = message == null ? "status " + status : message;
        if (message != null && message.toLowerCase(Locale.ROOT).contains("prompt is too long")) {
            return ProviderError.contextLengthExceeded(provider, status, text);
        }
        return ProviderError.badRequest(provider, status, text, null);
    }

    /** Anthropic reports an empty prepaid balance or a reached spend limit as a 400 invalid_request_error. */
    private static boolean isBillingMessage(String message) {
        if (message == null) {
            return false;
        }
        String lower = message.toLowerCase(Locale.ROOT);
        return lower.contains("credit balance is too low") || lower.contains("reached your specified api usage limits");
    }

    private static String redacted(String message, Optional<Credential> credential) {
        return message != null && credential.isPresent() ? credential.get().redactFrom(message) : message;
    }

    private static JsonNode errorObject(byte[] body) {
        try {
            JsonNode root = JsonCodec.parse(body);
            JsonNode error = root == null ? null : root.get("error");
            return error != null && error.isObject() ? error : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        if (node == null) {
            return null;
        }
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
