package dev.tollgate.api;

import dev.tollgate.errors.ProviderError;
import dev.tollgate.routing.StreamIdleException;

/** What to tell a client whose stream broke after it started: the most specific error the failure carries. */
public final class StreamFailures {

    private StreamFailures() {
    }

    public static ProviderError describe(Throwable failure, String provider) {
        if (failure instanceof StreamIdleException) {
            return ProviderError.timeout(provider, failure);
        }
        // An adapter that understood the break (e.g. an error event the provider sent mid-stream) attaches it.
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ProviderError known) {
                return known;
            }
        }
        return ProviderError.streamBroken(provider, failure);
    }
}
