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

import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
 */
public final class LambdaHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    private final Gateway gateway;

    /** The Lambda runtime's entry: wired once per execution environment, from its environment variables. */
    public LambdaHandler() {
        this(GatewayFactory.fromEnvironment(System.getenv(), RequestLog.stdout()).gateway());
    }

    public LambdaHandler(Gateway gateway) {
        this.gateway = gateway;
    }

    /** Time kept back from the invocation's remaining time to write the answer before Lambda stops the function. */
    static final Duration SAFETY_MARGIN = Duration.ofMillis(500);

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        Instant deadline = context == null ? null
                : Instant.now().plusMillis(context.getRemainingTimeInMillis()).minus(SAFETY_MARGIN);
        GatewayResponse response = gateway.handle(toRequest(event, deadline));
        return toEvent(response);
    }

    static GatewayRequest toRequest(APIGatewayProxyRequestEvent event, Instant deadline) {
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
        return new GatewayRequest(method, event.getPath(), headers, body, deadline);
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
