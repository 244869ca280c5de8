package dev.tollgate.errors;

import java.time.Duration;
import java.util.Optional;

/**
 * Every failure a client can see. Subclasses carry the OpenAI-style status, type and code; messages are
 * written for clients and never contain credentials.
 */
public abstract sealed class GatewayException extends RuntimeException permits ClientError, ProviderError {

    private final int status;
    private final String type;
    private final String code;
    private final String param;

    protected GatewayException(int status, String type, String code, String param, String message, Throwable cause) {
        super(message, cause, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }

    /** Extra headers for the client's response. */
    public java.util.Map<String, String> headers() {
        return java.util.Map.of();
    }

    /** How long the client should wait before trying again, when known. */
    public Optional<Duration> retryAfter() {
        return Optional.empty();
    }
}
