package dev.tollgate.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.api.AnthropicMessages;
import dev.tollgate.api.ChatCompletions;
import dev.tollgate.api.ChatRouter;
import dev.tollgate.api.ModelList;
import dev.tollgate.api.RequestContext;
import dev.tollgate.api.anthropic.AnthropicErrors;
import dev.tollgate.auth.GatewayKeys;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.config.GatewayKey;
import dev.tollgate.errors.ClientError;
import dev.tollgate.errors.ErrorFormat;
import dev.tollgate.errors.GatewayException;
import dev.tollgate.log.RequestLog;
import dev.tollgate.providers.ProviderRegistry;
import dev.tollgate.routing.InMemoryCooldownStore;
import dev.tollgate.routing.RouteSwitch;
import dev.tollgate.routing.Sleeper;
import dev.tollgate.secrets.CredentialResolver;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/** The gateway core: one request in, one response out. Knows nothing of Lambda or of any HTTP server. */
public final class Gateway {

    private static final byte[] HEALTHY = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);

    private final GatewayKeys keys;
    private final ChatCompletions chat;
    private final AnthropicMessages messages;
    private final ModelList models;
    private final RequestLog log;

    /** A gateway with in-memory routing state (cooldowns, latency), real time and real randomness. */
    public Gateway(GatewayConfig config, ProviderRegistry providers, CredentialResolver credentials, RequestLog log) {
        this(config, GatewayFactory.router(config, providers, credentials, new InMemoryCooldownStore(),
                RouteSwitch.NONE, Clock.systemUTC(), new SplittableRandom(), Sleeper.REAL, log), log);
    }

    public Gateway(GatewayConfig config, ChatRouter router, RequestLog log) {
        this(config, new GatewayKeys(config.keys()), router, log);
    }

    public Gateway(GatewayConfig config, GatewayKeys keys, ChatRouter router, RequestLog log) {
        this.keys = keys;
        this.chat = new ChatCompletions(router, log);
        this.messages = new AnthropicMessages(router, log);
        this.models = new ModelList(config);
        this.log = log;
    }

    public GatewayResponse handle(GatewayRequest request) {
        String path = normalise(request.path());
        RequestContext context = new RequestContext(UUID.randomUUID().toString(), request, path, log);
        try {
            return route(request, path, context);
        } catch (GatewayException e) {
            return failure(e, context, errorFormat(path));
        } catch (RuntimeException | LinkageError e) {
            // A LinkageError too (seen inside the AWS SDK on a warmed-up JVM): left to escape, it killed the request's
            // thread, the door dropped the connection unanswered, and HTTP clients that re-send a POST on a dropped
            // connection (OkHttp, under the OpenAI SDK) sent it again: charged twice, and no log line for the first.
            log.error("unexpected failure handling request " + context.requestId(), e);
            return failure(ClientError.internal(), context, errorFormat(path));
        }
    }

    /**
     * A request a door refused before the core saw it (a body over the size limit): answered and logged like any
     * failure, in the error format of its path.
     */
    public GatewayResponse refuse(String method, String rawPath, GatewayException error) {
        String path = normalise(rawPath);
        GatewayRequest request = new GatewayRequest(method, path, Map.of(), null);
        return failure(error, new RequestContext(UUID.randomUUID().toString(), request, path, log), errorFormat(path));
    }

    private GatewayResponse route(GatewayRequest request, String path, RequestContext context) {
        String method = request.method();
        if (path.equals("/health")) {
            requireMethod("GET", method, path);
            return new GatewayResponse.Buffered(200, context.headers("application/json"), HEALTHY);
        }
        if (path.equals("/v1/chat/completions")) {
            requireMethod("POST", method, path);
            authenticate(request, context);
            return chat.handle(request, context);
        }
        if (path.equals("/v1/messages")) {
            requireMethod("POST", method, path);
            authenticate(request, context);
            return messages.handle(request, context);
        }
        if (path.equals("/v1/models")) {
            requireMethod("GET", method, path);
            authenticate(request, context);
            return ok(models.list(), context);
        }
        if (path.startsWith("/v1/models/")) {
            requireMethod("GET", method, path);
            authenticate(request, context);
            return ok(models.one(path.substring("/v1/models/".length())), context);
        }
        throw ClientError.unknownPath(method, path);
    }

    /** The gateway key comes as {@code Authorization: Bearer} (OpenAI SDKs) or {@code x-api-key} (Anthropic SDKs). */
    private void authenticate(GatewayRequest request, RequestContext context) {
        String authorization = request.header("Authorization");
        if (authorization == null || authorization.isBlank()) {
            // Anthropic-style clients send the key as x-api-key.
            authorization = request.header("x-api-key");
        }
        GatewayKey key;
        try {
            key = keys.authenticate(authorization);
        } catch (GatewayException refused) {
            throw refused;
        } catch (RuntimeException storeFailed) {
            // The keys table is unreachable: a 503 the client may retry, not a 500 that blames the gateway's code.
            log.error("gateway keys could not be read", storeFailed);
            throw ClientError.keyStoreUnavailable();
        }
        context.authenticated(key);
    }

    /** Clients of the Anthropic endpoint get Anthropic-shaped errors, everyone else OpenAI-shaped ones. */
    private static ErrorFormat errorFormat(String path) {
        return path.equals("/v1/messages") || path.startsWith("/v1/messages/") ? AnthropicErrors.FORMAT
                : ErrorFormat.OPENAI;
    }

    private static void requireMethod(String expected, String method, String path) {
        if (!expected.equals(method)) {
            throw ClientError.methodNotAllowed(method, path);
        }
    }

    private GatewayResponse ok(byte[] body, RequestContext context) {
        return new GatewayResponse.Buffered(200, context.headers("application/json"), body);
    }

    private GatewayResponse failure(GatewayException e, RequestContext context, ErrorFormat format) {
        Map<String, String> headers = context.headers("application/json");
        headers.putAll(e.headers());
        if (e.status() == 429 || e.retryAfter().isPresent()) {
            long seconds = e.retryAfter().map(d -> Math.max(1, (d.toMillis() + 999) / 1000)).orElse(1L);
            headers.put("Retry-After", Long.toString(seconds));
        }
        context.finished(e.status(), null, e.code());
        ObjectNode summary = context.summary();
        summary.put("error_type", e.type());
        log.write(summary);
        return new GatewayResponse.Buffered(e.status(), headers, format.render(e, context.requestId()));
    }

    private static String normalise(String path) {
        if (path == null || path.isEmpty()) {
            return "/";
        }
        int query = path.indexOf('?');
        String clean = query < 0 ? path : path.substring(0, query);
        return clean.length() > 1 && clean.endsWith("/") ? clean.substring(0, clean.length() - 1) : clean;
    }
}
