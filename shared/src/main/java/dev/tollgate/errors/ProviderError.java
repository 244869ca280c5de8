package dev.tollgate.errors;

import java.time.Duration;
import java.util.Optional;

/**
 * A provider attempt that failed. It keeps what the upstream said (status, class, retry hint) and
 * what the client should see; the upstream's own text is only passed on for request errors, redacted.
 */
public final class ProviderError extends GatewayException {

    private final ErrorClass errorClass;
    private final int upstreamStatus;
    private final Duration retryAfter;

    private ProviderError(int status, String type, String code, String message, ErrorClass errorClass,
                          int upstreamStatus, Duration retryAfter, Throwable cause) {
        this(status, type, code, null, message, errorClass, upstreamStatus, retryAfter, cause);
    }

    private ProviderError(int status, String type, String code, String param, String message, ErrorClass errorClass,
                          int upstreamStatus, Duration retryAfter, Throwable cause) {
        super(status, type, code, param, message, cause);
        this.errorClass = errorClass;
        this.upstreamStatus = upstreamStatus;
        this.retryAfter = retryAfter;
    }

    public ErrorClass errorClass() {
        return errorClass;
    }

    /** The status the provider answered, or 0 when no answer came. */
    public int upstreamStatus() {
        return upstreamStatus;
    }

    @Override
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public static ProviderError rateLimited(String provider, Duration retryAfter) {
        return new ProviderError(429, "rate_limit_error", "rate_limit_exceeded",
                "The upstream provider '" + provider + "' is rate limiting requests. Try again later.",
                ErrorClass.RETRYABLE, 429, retryAfter, null);
    }

    public static ProviderError quotaExceeded(String provider, int upstreamStatus) {
        return new ProviderError(429, "insufficient_quota", "insufficient_quota",
                "The upstream provider '" + provider + "' reports its quota or billing limit is exhausted.",
                ErrorClass.FALLBACK, upstreamStatus, null, null);
    }

    public static ProviderError serverError(String provider, int upstreamStatus) {
        return new ProviderError(502, "upstream_error", "upstream_server_error",
                "The upstream provider '" + provider + "' failed with status " + upstreamStatus + ".",
                ErrorClass.RETRYABLE, upstreamStatus, null, null);
    }

    public static ProviderError overloaded(String provider, int upstreamStatus) {
        return new ProviderError(503, "upstream_error", "upstream_overloaded",
                "The upstream provider '" + provider + "' is overloaded.",
                ErrorClass.FALLBACK, upstreamStatus, null, null);
    }

    public static ProviderError authFailed(String provider, int upstreamStatus) {
        return new ProviderError(502, "upstream_error", "upstream_auth_failed",
                "The gateway's credential for provider '" + provider + "' was rejected (status "
                        + upstreamStatus + "). An operator must fix the provider key.",
                ErrorClass.FALLBACK, upstreamStatus, null, null);
    }

    public static ProviderError upstreamNotFound(String provider, String message) {
        return new ProviderError(502, "upstream_error", "upstream_not_found",
                "The upstream provider '" + provider + "' answered 404: " + message,
                ErrorClass.FALLBACK, 404, null, null);
    }

    /** The provider rejected the request itself; its message helps the client fix it. */
    public static ProviderError badRequest(String provider, int upstreamStatus, String message, String code) {
        return new ProviderError(400, "invalid_request_error", code == null ? "upstream_bad_request" : code,
                "The upstream provider '" + provider + "' rejected the request: " + message,
                ErrorClass.FATAL, upstreamStatus, null, null);
    }

    public static ProviderError timeout(String provider, Throwable cause) {
        return timeout(provider, 0, cause);
    }

    /** No answer in time, or the upstream itself said 408 (upstreamStatus). */
    public static ProviderError timeout(String provider, int upstreamStatus, Throwable cause) {
        return new ProviderError(504, "upstream_error", "upstream_timeout",
                "The upstream provider '" + provider + "' did not answer in time.",
                ErrorClass.RETRYABLE, upstreamStatus, null, cause);
    }

    public static ProviderError connectionFailed(String provider, Throwable cause) {
        return new ProviderError(502, "upstream_error", "upstream_connection_failed",
                "The gateway could not reach the upstream provider '" + provider + "'.",
                ErrorClass.RETRYABLE, 0, null, cause);
    }

    public static ProviderError malformedResponse(String provider, Throwable cause) {
        return new ProviderError(502, "upstream_error", "upstream_malformed_response",
                "The upstream provider '" + provider + "' sent a response the gateway could not read.",
                ErrorClass.RETRYABLE, 200, null, cause);
    }

    public static ProviderError credentialUnavailable(String provider, Throwable cause) {
        return new ProviderError(502, "upstream_error", "credential_unavailable",
                "The gateway has no usable credential for provider '" + provider + "'.",
                ErrorClass.FALLBACK, 0, null, cause);
    }

    /** The prompt does not fit the target's context window; only a larger-context target could help. */
    public static ProviderError contextLengthExceeded(String provider, int upstreamStatus, String message) {
        return new ProviderError(400, "invalid_request_error", "context_length_exceeded",
                "The upstream provider '" + provider + "' rejected the request as too long for the model's context: "
                        + message, ErrorClass.FATAL, upstreamStatus, null, null);
    }

    /**
     * The request uses a feature this target's provider cannot honour (nothing was sent). Another target of the
     * route might honour it, so the route moves on; if none does, the client gets this 400.
     */
    public static ProviderError unsupportedParameter(String provider, String param, String message) {
        return new ProviderError(400, "invalid_request_error", "unsupported_parameter", param,
                "The provider '" + provider + "' cannot honour '" + param + "': " + message,
                ErrorClass.FALLBACK, 0, null, null);
    }

    /** The provider's content filter refused the prompt. */
    public static ProviderError contentFiltered(String provider, int upstreamStatus, String message) {
        return new ProviderError(400, "invalid_request_error", "content_filter",
                "The upstream provider '" + provider + "' refused the request under its content policy: " + message,
                ErrorClass.FATAL, upstreamStatus, null, null);
    }

    /** Every target of the route is cooling down; the client may retry after the first cooldown ends. */
    public static ProviderError allTargetsCoolingDown(String route, Duration retryAfter) {
        return new ProviderError(503, "upstream_error", "all_targets_cooling_down",
                "Every target of '" + route + "' is cooling down after recent failures. Try again later.",
                ErrorClass.FALLBACK, 0, retryAfter, null);
    }

    /** The request's time ran out before another attempt could finish. */
    public static ProviderError deadlineExceeded(String route) {
        return new ProviderError(504, "upstream_error", "deadline_exceeded",
                "The request to '" + route + "' ran out of time before an attempt could complete.",
                ErrorClass.FATAL, 0, null, null);
    }

    /** The upstream stream broke after chunks had gone to the client (cut, malformed, or an error event). */
    public static ProviderError streamBroken(String provider, Throwable cause) {
        return new ProviderError(502, "upstream_error", "upstream_stream_broken",
                "The upstream provider '" + provider + "' stream broke before it finished.",
                ErrorClass.RETRYABLE, 200, null, cause);
    }
}
