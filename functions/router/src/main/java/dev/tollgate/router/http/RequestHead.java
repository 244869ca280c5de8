package dev.tollgate.router.http;

import java.util.Map;

/**
 * A request line and its headers, with what the framing needs: the body's length ({@code -1} for none given),
 * whether it is chunked, and what the client said about the connection.
 */
record RequestHead(String method, String rawPath, boolean http10, Map<String, String> headers, long contentLength,
                   boolean chunked, boolean expectContinue, boolean connectionClose, boolean connectionKeepAlive) {

    /** HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 closes unless asked to keep it. */
    boolean keepAlive() {
        return http10 ? connectionKeepAlive && !connectionClose : !connectionClose;
    }

    boolean hasBody() {
        return chunked || contentLength > 0;
    }

    boolean isHead() {
        return method.equals("HEAD");
    }
}
