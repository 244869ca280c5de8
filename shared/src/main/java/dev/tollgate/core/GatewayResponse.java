package dev.tollgate.core;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/** What the core answers: a whole body, or an event stream written as it arrives. */
public sealed interface GatewayResponse {

    int status();

    Map<String, String> headers();

    record Buffered(int status, Map<String, String> headers, byte[] body) implements GatewayResponse {
    }

    /**
     * A server-sent event stream. The status and headers are final once this exists; the body is pulled
     * from the provider while {@link StreamBody#writeTo} runs, flushing after each event.
     */
    record Streamed(int status, Map<String, String> headers, StreamBody body) implements GatewayResponse {
    }

    @FunctionalInterface
    interface StreamBody {
        void writeTo(OutputStream out) throws IOException;
    }
}
