package dev.tollgate.errors;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** A request the gateway refuses before or without asking a provider. */
public final class ClientError extends GatewayException {

    private final Duration retryAfter;
    private final Map<String, String> headers;

    private ClientError(int status, String type, String code, String param, String message) {
        this(status, type, code, param, message, null, Map.of());
    }

    private ClientError(int status, String type, String code, String param, String message, Duration retryAfter,
                        Map<String, String> headers) {
        super(status, type, code, param, message, null);
        this.retryAfter = retryAfter;
        this.headers = Map.copyOf(headers);
    }

    @Override
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** Extra response headers that explain the refusal (rate-limit figures). */
    @Override
    public Map<String, String> headers() {
        return headers;
    }

    /** A hard budget would be exceeded: 429 with OpenAI-style code budget_exceeded. */
    public static ClientError budgetExceeded(String scope, String detail) {
        return new ClientError(429, "insufficient_quota", "budget_exceeded", null,
                "Budget exhausted for '" + scope + "': " + detail + ".", null, Map.of());
    }

    /** The caller's own rpm/tpm limit: 429 with Retry-After and x-ratelimit-* headers. */
    public static ClientError keyRateLimited(String kind, long limit, Duration retryAfter) {
        String unit = kind.equals("rpm") ? "requests" : "tokens";
        return new ClientError(429, "rate_limit_error", "rate_limit_exceeded", null,
                "Rate limit of " + limit + " " + unit + " per minute reached for this gateway key.", retryAfter,
                Map.of("x-ratelimit-limit-" + unit, Long.toString(limit),
                        "x-ratelimit-remaining-" + unit, "0",
                        "x-ratelimit-reset-" + unit, Math.max(1, retryAfter.toSeconds()) + "s"));
    }

    /** The budget store cannot be reached and a hard budget applies: fail closed. */
    public static ClientError budgetStoreUnavailable() {
        return new ClientError(503, "server_error", "budget_store_unavailable", null,
                "Budgets cannot be checked right now, and a hard budget applies. Try again shortly.",
                Duration.ofSeconds(1), Map.of());
    }

    /** The keys table cannot be read: the caller cannot be authenticated, through no fault of theirs. */
    public static ClientError keyStoreUnavailable() {
        return new ClientError(503, "server_error", "key_store_unavailable", null,
                "Gateway keys cannot be checked right now. Try again shortly.", Duration.ofSeconds(1), Map.of());
    }

    /** The key may not use this model. */
    public static ClientError modelNotAllowed(String model) {
        return new ClientError(403, "invalid_request_error", "model_not_allowed", "model",
                "This gateway key may not use the model '" + model + "'.");
    }

    public static ClientError keyRevoked() {
        return new ClientError(401, "invalid_request_error", "invalid_api_key", null,
                "This gateway key has been revoked or has expired.");
    }

    public static ClientError invalidJson() {
        return new ClientError(400, "invalid_request_error", "invalid_json",
                null, "The request body is not valid JSON.");
    }

    public static ClientError invalidRequest(String param, String message) {
        return new ClientError(400, "invalid_request_error", "invalid_value", param, message);
    }

    public static ClientError missingParam(String param) {
        return new ClientError(400, "invalid_request_error", "missing_required_parameter", param,
                "Missing required parameter: '" + param + "'.");
    }

    public static ClientError missingApiKey() {
        return new ClientError(401, "invalid_request_error", "missing_api_key", null,
                "You didn't provide an API key. Send it as 'Authorization: Bearer <gateway key>' "
                        + "or 'x-api-key: <gateway key>'.");
    }

    public static ClientError invalidApiKey() {
        return new ClientError(401, "invalid_request_error", "invalid_api_key", null,
                "Incorrect gateway key provided.");
    }

    public static ClientError modelNotFound(String model) {
        String shown = model.length() <= 128 ? model : model.substring(0, 128) + "...";
        return new ClientError(404, "invalid_request_error", "model_not_found", "model",
                "The model '" + shown + "' does not exist or you do not have access to it.");
    }

    public static ClientError unknownPath(String method, String path) {
        return new ClientError(404, "invalid_request_error", "unknown_url", null,
                "Unknown request URL: " + method + " " + path + ".");
    }

    public static ClientError methodNotAllowed(String method, String path) {
        return new ClientError(405, "invalid_request_error", "method_not_allowed", null,
                "Method " + method + " is not allowed on " + path + ".");
    }

    public static ClientError unsupportedMediaType() {
        return new ClientError(415, "invalid_request_error", "unsupported_media_type", null,
                "Send the request body as application/json.");
    }

    public static ClientError payloadTooLarge(long limit) {
        return new ClientError(413, "invalid_request_error", "payload_too_large", null,
                "The request body exceeds " + limit + " bytes.");
    }

    /** The bytes on the wire are not a well-formed HTTP/1.1 request (request line, header, framing). */
    public static ClientError malformedHttp(String message) {
        return new ClientError(400, "invalid_request_error", "malformed_request", null, message);
    }

    /** The request line and headers are larger than the door accepts. */
    public static ClientError headersTooLarge(int limitBytes, int limitCount) {
        return new ClientError(431, "invalid_request_error", "request_header_fields_too_large", null,
                "The request headers exceed " + limitBytes + " bytes or " + limitCount + " fields.");
    }

    /** No target of the route can take this request: too large for every context window, or no branch matched. */
    public static ClientError noTargetFor(String route, String reason) {
        return new ClientError(400, "invalid_request_error", "no_target_available", null,
                "No target of '" + route + "' can serve this request: " + reason + ".");
    }

    /** A fault of the gateway itself; the detail goes to the log, never to the client. */
    public static ClientError internal() {
        return new ClientError(500, "server_error", "internal_error", null,
                "The gateway failed to process the request. It has been logged.");
    }
}
