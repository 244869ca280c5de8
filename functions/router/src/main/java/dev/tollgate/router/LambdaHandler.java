package dev.tollgate.router;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.Gateway;
import dev.tollgate.core.GatewayFactory;
import dev.tollgate.core.GatewayRequest;
import dev.tollgate.core.GatewayResponse;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.log.RequestLog;
import org.crac.Core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * API Gateway (REST, proxy integration) door to the core, for buffered invocations. A streamed answer is
 * collected whole here; the streaming deployment runs {@link LocalServer} behind the Lambda Web Adapter.
 *
 * <p>A stream handler: it reads the proxy event and writes the proxy response with the core's own Jackson, so the
 * runtime's POJO serializer (its shaded Jackson and the events classes, about 900 classes) is never loaded, and
 * SnapStart priming covers the JSON path a real invocation takes.
 */
public final class LambdaHandler implements RequestStreamHandler {

    static {
        // Before the constructor wires any AWS client (Secrets Manager may be read at init).
        GatewayFactory.noSilentPostRetries();
    }

    private final Gateway gateway;
    /** Held here because org.crac keeps registered resources only weakly. */
    private final Priming priming;

    /**
     * The Lambda runtime's entry: wired once per execution environment, from its environment variables. Fails the
     * init, with the reason, on a bad config or, inside Lambda, a missing TOLLGATE_CONFIG.
     */
    public LambdaHandler() {
        this(GatewayFactory.fromEnvironment(System.getenv(), RequestLog.stdout()), System.getenv());
    }

    private LambdaHandler(GatewayFactory.Setup setup, Map<String, String> env) {
        this.gateway = setup.gateway();
        this.priming = new Priming(LambdaHandler::serve, setup.secrets(), env.get("TOLLGATE_PROVIDER_SECRET"),
                setup.tableProbe(), RequestLog.stdout());
        Core.getGlobalContext().register(priming);
    }

    public LambdaHandler(Gateway gateway) {
        this.gateway = gateway;
        this.priming = null;
    }

    /** Time kept back from the invocation's remaining time to write the answer before Lambda stops the function. */
    static final Duration SAFETY_MARGIN = Duration.ofMillis(500);

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = JsonCodec.MAPPER.readTree(input);
        Instant deadline = context == null ? null
                : Instant.now().plusMillis(context.getRemainingTimeInMillis()).minus(SAFETY_MARGIN);
        GatewayResponse response = gateway.handle(toRequest(event, deadline));
        output.write(JsonCodec.bytes(toEvent(response)));
    }

    /** The priming door: a request as an API Gateway event through this handler, to the response's status. */
    static int serve(Gateway gateway, GatewayRequest request) {
        ObjectNode event = JsonCodec.object();
        event.put("httpMethod", request.method());
        event.put("path", request.path());
        ObjectNode headers = event.putObject("headers");
        request.headers().forEach(headers::put);
        event.put("body", new String(request.body(), StandardCharsets.UTF_8));
        event.put("isBase64Encoded", false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new LambdaHandler(gateway).handleRequest(new ByteArrayInputStream(JsonCodec.bytes(event)), out, null);
            return JsonCodec.parse(out.toByteArray()).get("statusCode").asInt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An API Gateway proxy event (REST, payload 1.0) to the core's request. */
    static GatewayRequest toRequest(JsonNode event, Instant deadline) {
        Map<String, String> headers = new HashMap<>();
        event.path("multiValueHeaders").properties().forEach(entry -> {
            if (entry.getValue().isArray() && !entry.getValue().isEmpty()) {
                headers.put(entry.getKey(), entry.getValue().get(0).asText());
            }
        });
        event.path("headers").properties().forEach(entry -> {
            if (entry.getValue().isTextual()) {
                headers.put(entry.getKey(), entry.getValue().asText());
            }
        });
        byte[] body = new byte[0];
        JsonNode text = event.path("body");
        if (text.isTextual()) {
            body = event.path("isBase64Encoded").asBoolean(false)
                    ? Base64.getDecoder().decode(text.asText())
                    : text.asText().getBytes(StandardCharsets.UTF_8);
        }
        String method = event.path("httpMethod").isTextual() ? event.get("httpMethod").asText() : "GET";
        String path = event.path("path").isTextual() ? event.get("path").asText() : "/";
        return new GatewayRequest(method, path, headers, body, deadline);
    }

    /** The core's response to an API Gateway proxy response; a streamed body is collected whole. */
    static ObjectNode toEvent(GatewayResponse response) {
        byte[] body = switch (response) {
            case GatewayResponse.Buffered buffered -> buffered.body();
            case GatewayResponse.Streamed streamed -> collect(streamed);
        };
        ObjectNode event = JsonCodec.object();
        event.put("statusCode", response.status());
        ObjectNode headers = event.putObject("headers");
        response.headers().forEach(headers::put);
        event.put("body", new String(body, StandardCharsets.UTF_8));
        event.put("isBase64Encoded", false);
        return event;
    }

    private static byte[] collect(GatewayResponse.Streamed streamed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            streamed.body().writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
