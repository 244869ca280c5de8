package dev.tollgate.core;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * An {@link HttpClient} built on its first use. Building the JDK client initialises the default TLS context
 * (with the client itself about 700 classes, and the CA certificates): a third of the CPU time the gateway needs
 * to its first answer, which a process that only answers /health or mock routes never needs. Under SnapStart the
 * priming call builds it before the snapshot anyway. Every method delegates to the real client.
 */
public final class DeferredHttpClient extends HttpClient {

    private final Lazy<HttpClient> client;

    public DeferredHttpClient(Supplier<HttpClient> factory) {
        this.client = new Lazy<>(factory);
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
        return client.get().cookieHandler();
    }

    @Override
    public Optional<Duration> connectTimeout() {
        return client.get().connectTimeout();
    }

    @Override
    public Redirect followRedirects() {
        return client.get().followRedirects();
    }

    @Override
    public Optional<ProxySelector> proxy() {
        return client.get().proxy();
    }

    @Override
    public SSLContext sslContext() {
        return client.get().sslContext();
    }

    @Override
    public SSLParameters sslParameters() {
        return client.get().sslParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
        return client.get().authenticator();
    }

    @Override
    public Version version() {
        return client.get().version();
    }

    @Override
    public Optional<Executor> executor() {
        return client.get().executor();
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        return client.get().send(request, handler);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        return client.get().sendAsync(request, handler);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                                            HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
        return client.get().sendAsync(request, handler, pushPromiseHandler);
    }

    @Override
    public void shutdown() {
        client.get().shutdown();
    }

    @Override
    public boolean awaitTermination(Duration duration) throws InterruptedException {
        return client.get().awaitTermination(duration);
    }

    @Override
    public boolean isTerminated() {
        return client.get().isTerminated();
    }

    @Override
    public void shutdownNow() {
        client.get().shutdownNow();
    }

    @Override
    public void close() {
        client.get().close();
    }
}
