package dev.tollgate.router;

import dev.tollgate.config.ConfigException;
import dev.tollgate.core.Gateway;
import dev.tollgate.core.GatewayFactory;
import dev.tollgate.core.GatewayRequest;
import dev.tollgate.core.GatewayResponse;
import dev.tollgate.errors.ClientError;
import dev.tollgate.log.RequestLog;
import dev.tollgate.router.http.Http1Server;
import dev.tollgate.router.http.HttpHandler;
import dev.tollgate.router.http.HttpRequest;
import dev.tollgate.router.http.Limits;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The local HTTP door to the core: our own small HTTP/1.1 server ({@link Http1Server}, a platform thread per
 * connection). Used by {@code ./tollgate local}, the end-to-end tests, the benchmarks, and in the cloud behind the
 * Lambda Web Adapter, streaming included.
 */
public final class LocalServer implements AutoCloseable {

    /** Larger bodies are refused; Lambda's own limit is 6 MB. */
    static final int MAX_BODY_BYTES = 6 * 1024 * 1024;

    private static final GatewayResponse NO_CONTENT = new GatewayResponse.Buffered(204, Map.of(), new byte[0]);
    private static final GatewayResponse NOT_FOUND = new GatewayResponse.Buffered(404, Map.of(), new byte[0]);

    private final Gateway gateway;
    private final Http1Server server;
    /** Hook path to its action; set before {@link #start()}. */
    private final Map<String, Runnable> hooks = new LinkedHashMap<>();

    public LocalServer(Gateway gateway, String host, int port) throws IOException {
        this(gateway, host, port, Limits.defaults(MAX_BODY_BYTES));
    }

    public LocalServer(Gateway gateway, String host, int port, Limits limits) throws IOException {
        this.gateway = gateway;
        this.server = new Http1Server(new InetSocketAddress(host, port), new Door(), limits);
    }

    /**
     * Inside Lambda (behind the Web Adapter) kept-alive connections never time out: the only client is the adapter on
     * loopback, and an environment frozen between invocations jumps its clock on thaw, so an idle timer would fire
     * just as the adapter reuses the connection for the next invocation, failing it.
     */
    static Limits limitsFor(Map<String, String> env) {
        Limits defaults = Limits.defaults(MAX_BODY_BYTES);
        String function = env.get("AWS_LAMBDA_FUNCTION_NAME");
        return function == null || function.isBlank() ? defaults : defaults.withIdleTimeout(Duration.ZERO);
    }

    /**
     * Serves the SnapStart hooks the Lambda Web Adapter POSTs to (AWS_LWA_SNAPSTART_BEFORE_CHECKPOINT_PATH and
     * AWS_LWA_SNAPSTART_AFTER_RESTORE_PATH); the adapter refuses those paths to outside callers. A null path is
     * not served. Any path under a hook path is the hook's: 204 for a POST on the exact path, else 404.
     */
    public LocalServer snapStartHooks(Priming priming, String beforeCheckpointPath, String afterRestorePath) {
        hook(beforeCheckpointPath, priming::prime);
        hook(afterRestorePath, priming::restored);
        return this;
    }

    private void hook(String path, Runnable action) {
        if (path != null && !path.isBlank()) {
            hooks.put(path, action);
        }
    }

    public LocalServer start() {
        server.start();
        return this;
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }

    /** What the server asks of each request: the SnapStart hooks, else the gateway. */
    private final class Door implements HttpHandler {

        @Override
        public GatewayResponse handle(HttpRequest request) {
            if (!hooks.isEmpty()) {
                GatewayResponse hooked = hooked(request);
                if (hooked != null) {
                    return hooked;
                }
            }
            return gateway.handle(new GatewayRequest(request.method(), request.rawPath(), request.headers(),
                    request.body()));
        }

        /** A body over {@link #MAX_BODY_BYTES}: answered and logged by the gateway, in its error format. */
        @Override
        public GatewayResponse bodyTooLarge(String method, String rawPath, int limitBytes) {
            return gateway.refuse(method, rawPath, ClientError.payloadTooLarge(limitBytes));
        }
    }

    private GatewayResponse hooked(HttpRequest request) {
        // The longest hook path that prefixes the request's wins, as with the JDK server's contexts before.
        String best = null;
        for (String path : hooks.keySet()) {
            if (request.rawPath().startsWith(path) && (best == null || path.length() > best.length())) {
                best = path;
            }
        }
        if (best == null) {
            return null;
        }
        if (!"POST".equals(request.method()) || !best.equals(request.rawPath())) {
            return NOT_FOUND;
        }
        hooks.get(best).run();
        return NO_CONTENT;
    }

    public static void main(String[] args) throws IOException {
        GatewayFactory.noSilentPostRetries();
        Map<String, String> env = System.getenv();
        int port = Integer.parseInt(env.getOrDefault("PORT", "8080"));
        String host = env.getOrDefault("TOLLGATE_HOST", "127.0.0.1");
        GatewayFactory.Setup setup;
        try {
            setup = GatewayFactory.fromEnvironment(env, RequestLog.stdout());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Priming priming = new Priming(Priming.coreDoor(), setup.secrets(), env.get("TOLLGATE_PROVIDER_SECRET"),
                setup.tableProbe(), RequestLog.stdout());
        LocalServer server = new LocalServer(setup.gateway(), host, port, limitsFor(env))
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
