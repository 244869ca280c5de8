package dev.tollgate.http;

import java.io.IOException;
import java.io.InputStream;

/**
 * The provider adapters' HTTP client: one request, one answer, on the caller's thread. Timeouts are
 * {@link java.net.http.HttpTimeoutException}s, every other transport failure an {@link IOException}; a request is
 * never sent twice behind the caller's back (a repeated LLM call costs money).
 */
public interface UpstreamClient {

    /** Sends and reads the whole answer within the request's timeout. */
    UpstreamResponse<byte[]> send(UpstreamRequest request) throws IOException, InterruptedException;

    /**
     * Sends and returns once the status line and headers arrived (within the request's timeout). The body is read
     * on the caller's thread with no timeout of its own; closing it from any thread ends a blocked read; closing it
     * before its end discards the connection. A body cut short fails with an {@link IOException}.
     */
    UpstreamResponse<InputStream> stream(UpstreamRequest request) throws IOException, InterruptedException;
}
