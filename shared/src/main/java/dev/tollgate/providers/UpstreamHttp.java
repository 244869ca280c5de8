package dev.tollgate.providers;

import dev.tollgate.errors.ProviderError;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;

/** The HTTP exchange every JSON-over-HTTP adapter shares: transport failures become the gateway's error classes. */
public final class UpstreamHttp {

    /** How much of an error answer is read for classification; the rest is not needed and may be large. */
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private UpstreamHttp() {
    }

    /** Sends; a timeout (or an interrupted wait) is a timeout, any other I/O failure a connection failure. */
    public static <T> HttpResponse<T> send(HttpClient http, HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                           String provider) {
        try {
            return http.send(request, handler);
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
