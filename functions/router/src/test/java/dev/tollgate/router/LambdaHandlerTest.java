package dev.tollgate.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Lambda door, driven by the sample API Gateway events in events/ (as raw JSON, as the runtime delivers them). */
class LambdaHandlerTest {

    private static final Path EVENTS = Path.of("../../events");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final LambdaHandler handler = new LambdaHandler(LambdaHandlerTestSupport.demoGateway());

    private static ObjectNode event(String file) throws IOException {
        return (ObjectNode) MAPPER.readTree(Files.readString(EVENTS.resolve(file)));
    }

    private JsonNode invoke(JsonNode event) throws IOException {
        return invoke(event, null);
    }

    private JsonNode invoke(JsonNode event, com.amazonaws.services.lambda.runtime.Context context) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(MAPPER.writeValueAsBytes(event)), out, context);
        return MAPPER.readTree(out.toByteArray());
    }

    @Test
    void chatCompletionEventGetsAJsonCompletion() throws IOException {
        JsonNode response = invoke(event("chat-completion.json"));
        assertEquals(200, response.get("statusCode").asInt());
        assertEquals("application/json", response.at("/headers/Content-Type").asText());
        assertEquals("mock", response.at("/headers/x-tollgate-provider").asText());
        assertEquals(false, response.get("isBase64Encoded").asBoolean(true));
        JsonNode body = MAPPER.readTree(response.get("body").asText());
        assertEquals("chat.completion", body.get("object").asText());
        assertEquals("This is Tollgate's mock provider. You said: Hello from the Lambda event",
                body.at("/choices/0/message/content").asText());
    }

    @Test
    void streamedEventIsCollectedIntoOneSseBody() throws IOException {
        JsonNode response = invoke(event("chat-completion-stream.json"));
        assertEquals(200, response.get("statusCode").asInt());
        assertTrue(response.at("/headers/Content-Type").asText().startsWith("text/event-stream"));
        String body = response.get("body").asText();
        assertTrue(body.startsWith("data: {"), body);
        assertTrue(body.endsWith("data: [DONE]\n\n"), body);
    }

    @Test
    void anthropicMessagesEventWithXApiKeyGetsAnAnthropicMessage() throws IOException {
        JsonNode response = invoke(event("messages.json"));
        assertEquals(200, response.get("statusCode").asInt());
        assertEquals("application/json", response.at("/headers/Content-Type").asText());
        JsonNode body = MAPPER.readTree(response.get("body").asText());
        assertEquals("message", body.get("type").asText());
        assertEquals("demo", body.get("model").asText());
        assertEquals("This is Tollgate's mock provider. You said: Hello from the Lambda event",
                body.at("/content/0/text").asText());
        assertEquals("end_turn", body.get("stop_reason").asText());
        assertTrue(body.at("/usage/output_tokens").asLong() > 0);
    }

    @Test
    void streamedAnthropicMessagesEventIsCollectedIntoNamedEvents() throws IOException {
        ObjectNode event = event("messages.json");
        event.put("body", event.get("body").asText().replace("\"max_tokens\":256,", "\"max_tokens\":256,\"stream\":true,"));
        JsonNode response = invoke(event);
        assertEquals(200, response.get("statusCode").asInt());
        String body = response.get("body").asText();
        assertTrue(body.startsWith("event: message_start\ndata: {\"type\":\"message_start\""), body);
        assertTrue(body.endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"), body);
    }

    @Test
    void anthropicMessagesEventWithABadKeyGetsAnAnthropicError() throws IOException {
        ObjectNode event = event("messages.json");
        ((ObjectNode) event.get("headers")).put("x-api-key", "wrong");
        if (event.get("multiValueHeaders") instanceof ObjectNode multi) {
            multi.putArray("x-api-key").add("wrong");
        }
        JsonNode response = invoke(event);
        assertEquals(401, response.get("statusCode").asInt());
        JsonNode body = MAPPER.readTree(response.get("body").asText());
        assertEquals("error", body.get("type").asText());
        assertEquals("authentication_error", body.at("/error/type").asText());
    }

    @Test
    void modelsAndHealthEventsAnswer() throws IOException {
        JsonNode models = invoke(event("models.json"));
        assertEquals(200, models.get("statusCode").asInt());
        assertEquals("demo", MAPPER.readTree(models.get("body").asText()).at("/data/0/id").asText());
        JsonNode health = invoke(event("health.json"));
        assertEquals(200, health.get("statusCode").asInt());
        assertEquals("{\"status\":\"ok\"}", health.get("body").asText());
    }

    @Test
    void base64BodiesAreDecodedAndBadKeysRefused() throws IOException {
        ObjectNode event = event("chat-completion.json");
        event.put("body", Base64.getEncoder().encodeToString(event.get("body").asText().getBytes(StandardCharsets.UTF_8)));
        event.put("isBase64Encoded", true);
        assertEquals(200, invoke(event).get("statusCode").asInt());

        ((ObjectNode) event.get("headers")).put("Authorization", "Bearer wrong");
        ((ObjectNode) event.get("multiValueHeaders")).putArray("Authorization").add("Bearer wrong");
        JsonNode refused = invoke(event);
        assertEquals(401, refused.get("statusCode").asInt());
        assertEquals("invalid_api_key", MAPPER.readTree(refused.get("body").asText()).at("/error/code").asText());
    }

    @Test
    void multiValueHeadersAloneAreEnoughAndSingleValueHeadersWin() throws IOException {
        ObjectNode event = event("models.json");
        event.remove("headers");
        assertEquals(200, invoke(event).get("statusCode").asInt(), "the key from multiValueHeaders");
        event.putObject("headers").put("Authorization", "Bearer wrong");
        assertEquals(401, invoke(event).get("statusCode").asInt(), "headers take precedence");
    }

    @Test
    void noAttemptStartsWhenTheInvocationHasTooLittleTimeLeft() throws IOException {
        JsonNode response = invoke(event("chat-completion.json"), remaining(700));
        assertEquals(504, response.get("statusCode").asInt());
        assertEquals("deadline_exceeded", MAPPER.readTree(response.get("body").asText()).at("/error/code").asText());
        assertEquals(200, invoke(event("chat-completion.json"), remaining(30_000)).get("statusCode").asInt());
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
        ObjectNode event = event("chat-completion.json");
        event.put("body", "{\"model\":");
        JsonNode response = invoke(event);
        assertEquals(400, response.get("statusCode").asInt());
        assertEquals("invalid_json", MAPPER.readTree(response.get("body").asText()).at("/error/code").asText());
    }
}
