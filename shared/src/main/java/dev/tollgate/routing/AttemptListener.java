package dev.tollgate.routing;

import dev.tollgate.config.Target;
import dev.tollgate.errors.ProviderError;

/** Told about each step of the attempt loop, for response headers and the request log. */
public interface AttemptListener {

    void attempted(Target target);

    void failed(Target target, ProviderError error);

    void skipped(Target target, String reason);
}
