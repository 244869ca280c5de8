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
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(MAPPER.writeValueAsBytes(event)), out, null);
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
    void malformedBodyIsA400NotAStackTrace() throws IOException {
        ObjectNode event = event("chat-completion.json");
        event.put("body", "{\"model\":");
        JsonNode response = invoke(event);
        assertEquals(400, response.get("statusCode").asInt());
        assertEquals("invalid_json", MAPPER.readTree(response.get("body").asText()).at("/error/code").asText());
    }
}
