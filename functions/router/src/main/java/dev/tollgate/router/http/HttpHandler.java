package dev.tollgate.router.http;

import dev.tollgate.core.GatewayResponse;

/** What an {@link Http1Server} asks for each request; called on the connection's own thread. */
public interface HttpHandler {

    /** Answers a whole request (its body already read). */
    GatewayResponse handle(HttpRequest request);

    /** Answers a request whose body is over the server's limit; the body is not read and the connection closes. */
    GatewayResponse bodyTooLarge(String method, String rawPath, int limitBytes);
}
