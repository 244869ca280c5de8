package dev.tollgate.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.router.LambdaHandler;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The Lambda handler's cold path without a Lambda runtime: read an API Gateway event, construct the handler as the
 * runtime would (wired from the environment: the demo config and its mock provider unless TOLLGATE_CONFIG is set),
 * answer the event, and print {@code READY <status>}. The harness times the process from outside (from before exec).
 */
public final class LambdaColdStart {

    private LambdaColdStart() {
    }

    public static void main(String[] args) throws Exception {
        JsonNode json = JsonCodec.MAPPER.readTree(Files.readAllBytes(Path.of(args[0])));
        APIGatewayProxyRequestEvent event = new APIGatewayProxyRequestEvent()
                .withHttpMethod(json.path("httpMethod").asText())
                .withPath(json.path("path").asText())
                .withBody(json.path("body").isNull() ? null : json.path("body").asText())
                .withIsBase64Encoded(json.path("isBase64Encoded").asBoolean(false));
        Map<String, String> headers = new HashMap<>();
        json.path("headers").properties().forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
        event.setHeaders(headers);
        int status = new LambdaHandler().handleRequest(event, null).getStatusCode();
        System.out.println("READY " + status);
        System.out.flush();
        if (status != 200) {
            System.exit(1);
        }
    }
}
