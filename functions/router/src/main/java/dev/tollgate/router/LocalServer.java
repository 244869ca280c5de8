package dev.tollgate.router;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.config.ConfigException;
import dev.tollgate.core.Gateway;
import dev.tollgate.core.GatewayFactory;
import dev.tollgate.core.GatewayRequest;
import dev.tollgate.core.GatewayResponse;
import dev.tollgate.errors.ClientError;
import dev.tollgate.log.RequestLog;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The local HTTP door to the core: the JDK's HTTP server on virtual threads. Used by {@code ./tollgate local},
 * the end-to-end tests, the benchmarks, and in the cloud behind the Lambda Web Adapter for streaming.
 */
public final class LocalServer implements AutoCloseable {

    /** Larger bodies are refused; Lambda's own limit is 6 MB. */
    static final int MAX_BODY_BYTES = 6 * 1024 * 1024;

    static {
        // The JDK server leaves Nagle's algorithm on unless told otherwise: each SSE event after the first then waits
        // for the client's delayed ACK (about 40 ms on Linux) before it leaves. Read once, when the first server of
        // the process is created; an explicit -Dsun.net.httpserver.nodelay=false still wins.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;

    public LocalServer(Gateway gateway, String host, int port) throws IOException {
        this.server = HttpServer.create(new InetSocketAddress(host, port), 256);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", exchange -> serve(gateway, exchange));
    }

    /**
     * Serves the SnapStart hooks the Lambda Web Adapter POSTs to (AWS_LWA_SNAPSTART_BEFORE_CHECKPOINT_PATH and
     * AWS_LWA_SNAPSTART_AFTER_RESTORE_PATH); the adapter refuses those paths to outside callers. A null path is
     * not served.
     */
    public LocalServer snapStartHooks(Priming priming, String beforeCheckpointPath, String afterRestorePath) {
        hook(beforeCheckpointPath, priming::prime);
        hook(afterRestorePath, priming::restored);
        return this;
    }

    private void hook(String path, Runnable action) {
        if (path == null || path.isBlank()) {
            return;
        }
        server.createContext(path, exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                if (!"POST".equals(exchange.getRequestMethod()) || !path.equals(exchange.getRequestURI().getPath())) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                action.run();
                exchange.sendResponseHeaders(204, -1);
            }
        });
    }

    public LocalServer start() {
        server.start();
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }

    private static void serve(Gateway gateway, HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(MAX_BODY_BYTES + 1);
            }
            GatewayResponse response;
            if (body.length > MAX_BODY_BYTES) {
                response = gateway.refuse(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                        ClientError.payloadTooLarge(MAX_BODY_BYTES));
            } else {
                response = gateway.handle(new GatewayRequest(exchange.getRequestMethod(),
                        exchange.getRequestURI().getRawPath(), headers(exchange.getRequestHeaders()), body));
            }
            write(exchange, response);
        }
    }

    private static Map<String, String> headers(Headers headers) {
        Map<String, String> flat = new HashMap<>();
        headers.forEach((name, values) -> {
            List<String> list = values;
            if (!list.isEmpty()) {
                flat.put(name, list.getFirst());
            }
        });
        return flat;
    }

    private static void write(HttpExchange exchange, GatewayResponse response) throws IOException {
        Headers headers = exchange.getResponseHeaders();
        response.headers().forEach(headers::set);
        switch (response) {
            case GatewayResponse.Buffered buffered -> {
                exchange.sendResponseHeaders(buffered.status(), buffered.body().length == 0 ? -1 : buffered.body().length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(buffered.body());
                }
            }
            case GatewayResponse.Streamed streamed -> {
                exchange.sendResponseHeaders(streamed.status(), 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    streamed.body().writeTo(out);
                }
            }
        }
    }

    public static void main(String[] args) throws IOException {
        GatewayFactory.noSilentPostRetries();
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        String host = System.getenv().getOrDefault("TOLLGATE_HOST", "127.0.0.1");
        GatewayFactory.Setup setup;
        try {
            setup = GatewayFactory.fromEnvironment(System.getenv(), RequestLog.stdout());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Map<String, String> env = System.getenv();
        Priming priming = new Priming(Priming.coreDoor(), setup.secrets(), env.get("TOLLGATE_PROVIDER_SECRET"),
                setup.tableProbe(), RequestLog.stdout());
        LocalServer server = new LocalServer(setup.gateway(), host, port)
                .snapStartHooks(priming, env.get("AWS_LWA_SNAPSTART_BEFORE_CHECKPOINT_PATH"),
                        env.get("AWS_LWA_SNAPSTART_AFTER_RESTORE_PATH"))
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        System.out.println("Tollgate listening on http://" + host + ":" + server.port()
                + "  (OpenAI-compatible base URL: http://" + host + ":" + server.port() + "/v1)");
        System.out.println("Models: " + String.join(", ", setup.config().publicNames()));
        if (setup.demoKey() != null) {
            System.out.println("Demo config (built-in mock provider). Demo gateway key: " + setup.demoKey());
        }
    }
}
