package dev.tollgate.errors;

/**
 * How one API renders a failure for its clients: each inbound format (OpenAI, Anthropic) has its own error
 * shape, and the status stays the gateway's.
 */
@FunctionalInterface
public interface ErrorFormat {

    /** OpenAI's {@code {"error":{"message","type","param","code"}}}. */
    ErrorFormat OPENAI = (error, requestId) -> ErrorBody.bytes(error);

    byte[] render(GatewayException error, String requestId);
}
