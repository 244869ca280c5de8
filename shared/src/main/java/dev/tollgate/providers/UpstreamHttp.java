package dev.tollgate.providers;

import dev.tollgate.errors.ProviderError;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpTimeoutException;
import dev.tollgate.http.UpstreamClient;
import dev.tollgate.http.UpstreamRequest;
import dev.tollgate.http.UpstreamResponse;

/** The HTTP exchange every JSON-over-HTTP adapter shares: transport failures become the gateway's error classes. */
public final class UpstreamHttp {

    /** How much of an error answer is read for classification; the rest is not needed and may be large. */
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private UpstreamHttp() {
    }

    /** Sends and reads the whole answer; failures mapped as {@link #stream}'s. */
    public static UpstreamResponse<byte[]> send(UpstreamClient http, UpstreamRequest request, String provider) {
        return exchange(() -> http.send(request), provider);
    }

    /**
     * Sends and returns at the answer's headers; a timeout (or an interrupted wait) is a timeout, any other I/O
     * failure a connection failure.
     */
    public static UpstreamResponse<InputStream> stream(UpstreamClient http, UpstreamRequest request,
                                                       String provider) {
        return exchange(() -> http.stream(request), provider);
    }

    private interface Call<T> {
        UpstreamResponse<T> run() throws IOException, InterruptedException;
    }

    private static <T> UpstreamResponse<T> exchange(Call<T> call, String provider) {
        try {
            return call.run();
        } catch (HttpTimeoutException e) {
            throw ProviderError.timeout(provider, e);
        } catch (IOException e) {
            throw ProviderError.connectionFailed(provider, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProviderError.timeout(provider, e);
        }
    }

    /** The start of a streamed request's error answer, closing the stream; empty when it cannot be read. */
    public static byte[] errorBody(InputStream body) {
        try (InputStream in = body) {
            return in.readNBytes(MAX_ERROR_BODY);
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
