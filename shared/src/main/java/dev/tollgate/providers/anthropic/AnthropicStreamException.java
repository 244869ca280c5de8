package dev.tollgate.providers.anthropic;

import dev.tollgate.errors.ProviderError;

import java.io.IOException;

/**
 * The Anthropic stream broke after its 200: an {@code error} event, an early end, or a chunk that cannot be read.
 * An IOException, so the gateway's SSE pump ends the client's stream with an error event rather than [DONE];
 * {@link #error()} says what the upstream meant when it said so (an error event), for logs and smarter callers.
 */
public final class AnthropicStreamException extends IOException {

    private final transient ProviderError error;

    AnthropicStreamException(String message, ProviderError error) {
        super(message, error);
        this.error = error;
    }

    /** The classified upstream error, or null when the stream ended or broke without one. */
    public ProviderError error() {
        return error;
    }
}
