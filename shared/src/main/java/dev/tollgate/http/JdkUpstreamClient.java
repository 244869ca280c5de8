package dev.tollgate.http;

import dev.tollgate.core.Lazy;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The JDK's HttpClient behind {@link UpstreamClient}: the fallback ({@code TOLLGATE_UPSTREAM_HTTP=jdk}) should the
 * own client misbehave against some upstream. Built on first use: building it initialises the default TLS context,
 * a third of the CPU time to the gateway's first answer, which a process serving only /health or mock routes never
 * needs.
 */
public final class JdkUpstreamClient implements UpstreamClient {

    private final Supplier<HttpClient> client;

    public JdkUpstreamClient() {
        // The direct executor: the selector thread completes each response itself instead of handing it to a pool
        // thread that then wakes the caller. Safe: only the JDK's own body handlers, which never block in a callback.
        this(() -> HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .executor(Runnable::run)
                .build());
    }

    public JdkUpstreamClient(Supplier<HttpClient> factory) {
        this.client = new Lazy<>(factory);
    }

    @Override
    public UpstreamResponse<byte[]> send(UpstreamRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = client.get().send(jdk(request), HttpResponse.BodyHandlers.ofByteArray());
        return new UpstreamResponse<>(response.statusCode(), response.headers().map(), response.body());
    }

    @Override
    public UpstreamResponse<InputStream> stream(UpstreamRequest request) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = client.get().send(jdk(request),
                HttpResponse.BodyHandlers.ofInputStream());
        return new UpstreamResponse<>(response.statusCode(), response.headers().map(), response.body());
    }

    private static HttpRequest jdk(UpstreamRequest request) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(request.uri())
                .method(request.method(), request.body().length == 0 && request.method().equals("GET")
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        if (request.timeout() != null) {
            builder.timeout(request.timeout());
        }
        for (UpstreamRequest.Header header : request.headers()) {
            builder.header(header.name(), header.value());
        }
        return builder.build();
    }
}
