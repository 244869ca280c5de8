package dev.tollgate.router;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.config.DemoConfig;
import dev.tollgate.core.Gateway;
import dev.tollgate.core.GatewayFactory;
import dev.tollgate.log.RequestLog;
import dev.tollgate.secrets.CredentialResolver;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Lambda door, driven by the sample API Gateway events in events/ on the embedded demo config. */
class LambdaHandlerTest {

    private static final Path EVENTS = Path.of("../../events");
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final List<String> log = new ArrayList<>();
    private final LambdaHandler handler = new LambdaHandler(new Gateway(DemoConfig.load(Map.of()).config(),
            GatewayFactory.providers(Clock.systemUTC()), new CredentialResolver(Map.of(), null, null),
            new RequestLog(log::add)));

    private static APIGatewayProxyRequestEvent event(String file) throws IOException {
        return MAPPER.readValue(Files.readString(EVENTS.resolve(file)), APIGatewayProxyRequestEvent.class);
    }

    @Test
    void chatCompletionEventGetsAJsonCompletion() throws IOException {
        APIGatewayProxyResponseEvent response = handler.handleRequest(event("chat-completion.json"), null);
        assertEquals(200, response.getStatusCode());
        assertEquals("application/json", response.getHeaders().get("Content-Type"));
        assertEquals("mock", response.getHeaders().get("x-tollgate-provider"));
        JsonNode body = MAPPER.readTree(response.getBody());
        assertEquals("chat.completion", body.get("object").asText());
        assertEquals("This is Tollgate's mock provider. You said: Hello from the Lambda event",
                body.at("/choices/0/message/content").asText());
    }

    @Test
    void streamedEventIsCollectedIntoOneSseBody() throws IOException {
        APIGatewayProxyResponseEvent response = handler.handleRequest(event("chat-completion-stream.json"), null);
        assertEquals(200, response.getStatusCode());
        assertTrue(response.getHeaders().get("Content-Type").startsWith("text/event-stream"));
        assertTrue(response.getBody().startsWith("data: {"), response.getBody());
        assertTrue(response.getBody().endsWith("data: [DONE]\n\n"), response.getBody());
    }

    @Test
    void modelsAndHealthEventsAnswer() throws IOException {
        APIGatewayProxyResponseEvent models = handler.handleRequest(event("models.json"), null);
        assertEquals(200, models.getStatusCode());
        assertEquals("demo", MAPPER.readTree(models.getBody()).at("/data/0/id").asText());
        APIGatewayProxyResponseEvent health = handler.handleRequest(event("health.json"), null);
        assertEquals(200, health.getStatusCode());
        assertEquals("{\"status\":\"ok\"}", health.getBody());
    }

    @Test
    void base64BodiesAreDecodedAndBadKeysRefused() throws IOException {
        APIGatewayProxyRequestEvent event = event("chat-completion.json");
        event.setBody(Base64.getEncoder().encodeToString(event.getBody().getBytes()));
        event.setIsBase64Encoded(true);
        assertEquals(200, handler.handleRequest(event, null).getStatusCode());

        event.getHeaders().put("Authorization", "Bearer wrong");
        APIGatewayProxyResponseEvent refused = handler.handleRequest(event, null);
        assertEquals(401, refused.getStatusCode());
        assertEquals("invalid_api_key", MAPPER.readTree(refused.getBody()).at("/error/code").asText());
    }

    @Test
    void noAttemptStartsWhenTheInvocationHasTooLittleTimeLeft() throws IOException {
        APIGatewayProxyResponseEvent response = handler.handleRequest(event("chat-completion.json"), remaining(700));
        assertEquals(504, response.getStatusCode());
        assertEquals("deadline_exceeded", MAPPER.readTree(response.getBody()).at("/error/code").asText());
        assertEquals(200, handler.handleRequest(event("chat-completion.json"), remaining(30_000)).getStatusCode());
    }

    /** A Lambda context that only knows its remaining time. */
    private static com.amazonaws.services.lambda.runtime.Context remaining(int millis) {
        return (com.amazonaws.services.lambda.runtime.Context) java.lang.reflect.Proxy.newProxyInstance(
                LambdaHandlerTest.class.getClassLoader(),
                new Class<?>[] {com.amazonaws.services.lambda.runtime.Context.class},
                (proxy, method, args) -> method.getName().equals("getRemainingTimeInMillis") ? millis : null);
    }

    @Test
    void malformedBodyIsA400NotAStackTrace() throws IOException {
        APIGatewayProxyRequestEvent event = event("chat-completion.json");
        event.setBody("{\"model\":");
        APIGatewayProxyResponseEvent response = handler.handleRequest(event, null);
        assertEquals(400, response.getStatusCode());
        assertEquals("invalid_json", MAPPER.readTree(response.getBody()).at("/error/code").asText());
    }
}
