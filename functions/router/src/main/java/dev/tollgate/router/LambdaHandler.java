package dev.tollgate.router;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.tollgate.core.Gateway;
import dev.tollgate.core.GatewayFactory;
import dev.tollgate.core.GatewayRequest;
import dev.tollgate.core.GatewayResponse;
import dev.tollgate.log.RequestLog;
import org.crac.Core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * API Gateway (REST, proxy integration) door to the core, for buffered invocations. A streamed answer is
 * collected whole here; the streaming deployment runs {@link LocalServer} behind the Lambda Web Adapter.
 */
public final class LambdaHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

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
                RequestLog.stdout());
        Core.getGlobalContext().register(priming);
    }

    public LambdaHandler(Gateway gateway) {
        this.gateway = gateway;
        this.priming = null;
    }

    /** The priming door: a request as an API Gateway event through this handler, to the response's status. */
    static int serve(Gateway gateway, GatewayRequest request) {
        APIGatewayProxyRequestEvent event = new APIGatewayProxyRequestEvent()
                .withHttpMethod(request.method())
                .withPath(request.path())
                .withHeaders(new HashMap<>(request.headers()))
                .withBody(new String(request.body(), StandardCharsets.UTF_8))
                .withIsBase64Encoded(false);
        return new LambdaHandler(gateway).handleRequest(event, null).getStatusCode();
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        GatewayResponse response = gateway.handle(toRequest(event));
        return toEvent(response);
    }

    static GatewayRequest toRequest(APIGatewayProxyRequestEvent event) {
        Map<String, String> headers = new HashMap<>();
        if (event.getHeaders() != null) {
            headers.putAll(event.getHeaders());
        }
        byte[] body = new byte[0];
        if (event.getBody() != null) {
            body = Boolean.TRUE.equals(event.getIsBase64Encoded())
                    ? Base64.getDecoder().decode(event.getBody())
                    : event.getBody().getBytes(StandardCharsets.UTF_8);
        }
        String method = event.getHttpMethod() == null ? "GET" : event.getHttpMethod();
        return new GatewayRequest(method, event.getPath(), headers, body);
    }

    static APIGatewayProxyResponseEvent toEvent(GatewayResponse response) {
        byte[] body = switch (response) {
            case GatewayResponse.Buffered buffered -> buffered.body();
            case GatewayResponse.Streamed streamed -> collect(streamed);
        };
        return new APIGatewayProxyResponseEvent()
                .withStatusCode(response.status())
                .withHeaders(new HashMap<>(response.headers()))
                .withIsBase64Encoded(false)
                .withBody(new String(body, StandardCharsets.UTF_8));
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
