package dev.tollgate.routing;

import java.io.IOException;
import java.time.Duration;

/** The upstream stream sent nothing for longer than the route's idle timeout and was abandoned. */
public final class StreamIdleException extends IOException {

    public StreamIdleException(Duration idleTimeout, Throwable cause) {
        super("upstream stream idle for more than " + idleTimeout.toMillis() + " ms", cause);
    }
}
