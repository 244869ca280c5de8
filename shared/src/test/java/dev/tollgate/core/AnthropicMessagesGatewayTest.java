package dev.tollgate.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.auth.GatewayKeys;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.errors.ClientError;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.log.RequestLog;
import dev.tollgate.secrets.CredentialResolver;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST /v1/messages} through the core on the mock provider: auth by x-api-key, Anthropic answers and errors. */
class AnthropicMessagesGatewayTest {

    private static final String KEY = "tg-test-key";
    private final List<String> logLines = new ArrayList<>();
    private final Gateway gateway;

    AnthropicMessagesGatewayTest() {
        GatewayConfig config = ConfigLoader.validate(ConfigLoader.readRaw("""
                models:
                  - name: steady
                    targets: [{provider: mock, model: mock-steady}]
                  - name: broken
                    targets: [{provider: mock, model: mock-broken, options: {failure_rate: 1, failure_status: 500}}]
                  - name: limited
                    targets: [{provider: mock, model: mock-limited, options: {failure_rate: 1, failure_status: 429}}]
                keys:
                  - id: test
                    sha256: %s
                """.formatted(GatewayKeys.sha256(KEY)), "test"), "test");
        gateway = new Gateway(config, GatewayFactory.providers(Clock.systemUTC()),
                new CredentialResolver(Map.of(), null, null), new RequestLog(logLines::add));
    }

    private GatewayResponse post(Map<String, String> headers, String body) {
        return gateway.handle(new GatewayRequest("POST", "/v1/messages", headers, body.getBytes(StandardCharsets.UTF_8)));
    }

    private GatewayResponse post(String body) {
        return post(Map.of("x-api-key", KEY, "anthropic-version", "2023-06-01"), body);
    }

    private static JsonNode json(GatewayResponse response) throws IOException {
        return JsonCodec.parse(assertInstanceOf(GatewayResponse.Buffered.class, response).body());
    }

    private JsonNode lastLog() throws IOException {
        return JsonCodec.parse(logLines.getLast().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void messageIsAnsweredInAnthropicFormatUnderThePublicModelName() throws IOException {
        GatewayResponse response = post("""
                {"model":"steady","max_tokens":64,"system":"Be brief.","messages":[{"role":"user","content":"hello"}]}""");
        assertEquals(200, response.status());
        JsonNode message = json(response);
        assertEquals("message", message.get("type").asText());
        assertEquals("assistant", message.get("role").asText());
        assertEquals("steady", message.get("model").asText());
        assertTrue(message.get("id").asText().startsWith("msg_"));
        assertEquals("This is Tollgate's mock provider. You said: hello", message.at("/content/0/text").asText());
        assertEquals("end_turn", message.get("stop_reason").asText());
        assertTrue(message.at("/usage/input_tokens").asLong() > 0);
        assertEquals(8, message.at("/usage/output_tokens").asLong(), "one output token per word of the mock reply");
        assertEquals("mock", response.headers().get("x-tollgate-provider"));
        assertEquals(message.at("/usage/input_tokens").asLong(), lastLog().get("prompt_tokens").asLong());
    }

    @Test
    void bearerKeysWorkTooAndDroppedParametersAreLogged() throws IOException {
        GatewayResponse response = post(Map.of("Authorization", "Bearer " + KEY), """
                {"model":"steady","max_tokens":64,"top_k":5,"messages":[{"role":"user","content":"hi"}]}""");
        assertEquals(200, response.status());
        assertEquals("[\"top_k\"]", lastLog().get("dropped_params").toString());
    }

    @Test
    void streamedMessageIsASequenceOfNamedEvents() throws IOException {
        GatewayResponse response = post("""
                {"model":"steady","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"a b"}]}""");
        GatewayResponse.Streamed streamed = assertInstanceOf(GatewayResponse.Streamed.class, response);
        assertEquals("text/event-stream; charset=utf-8", streamed.headers().get("Content-Type"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        streamed.body().writeTo(out);
        String text = out.toString(StandardCharsets.UTF_8);
        List<String> events = text.lines().filter(line -> line.startsWith("event: ")).distinct().toList();
        assertEquals(List.of("event: message_start", "event: content_block_start", "event: content_block_delta",
                "event: content_block_stop", "event: message_delta", "event: message_stop"), events);
        assertTrue(text.endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"), text);
        assertTrue(text.contains("\"stop_reason\":\"end_turn\""), text);
        assertTrue(text.contains("\"output_tokens\":9}"), "final usage in message_delta: " + text);
        assertEquals("ok", lastLog().get("outcome").asText());
        assertEquals(9, lastLog().get("completion_tokens").asLong());
    }

    @Test
    void errorsOnThisEndpointAreAnthropicShapedWithTheGatewaysStatus() throws IOException {
        String body = "{\"model\":\"%s\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        assertError(post(Map.of(), body.formatted("steady")), 401, "authentication_error");
        assertError(post(Map.of("x-api-key", "wrong"), body.formatted("steady")), 401, "authentication_error");
        assertError(post(body.formatted("nope")), 404, "not_found_error");
        assertError(post(body.formatted("broken")), 502, "api_error");
        GatewayResponse limited = post(body.formatted("limited"));
        assertError(limited, 429, "rate_limit_error");
        assertEquals("1", limited.headers().get("Retry-After"));
        assertError(post("{\"model\":\"steady\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), 400,
                "invalid_request_error");
        assertError(gateway.handle(new GatewayRequest("GET", "/v1/messages", Map.of("x-api-key", KEY), null)),
                405, "invalid_request_error");
        assertError(post("{\"model\":"), 400, "invalid_request_error");
        assertError(gateway.refuse("POST", "/v1/messages", ClientError.payloadTooLarge(10)), 413, "request_too_large");
    }

    @Test
    void otherEndpointsKeepOpenAiShapedErrorsAndAcceptXApiKey() throws IOException {
        GatewayResponse refused = gateway.handle(new GatewayRequest("POST", "/v1/chat/completions", Map.of(),
                "{}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("missing_api_key", json(refused).at("/error/code").asText());
        GatewayResponse models = gateway.handle(new GatewayRequest("GET", "/v1/models", Map.of("x-api-key", KEY), null));
        assertEquals(200, models.status());
    }

    private static void assertError(GatewayResponse response, int status, String type) throws IOException {
        assertEquals(status, response.status());
        JsonNode body = json(response);
        assertEquals("error", body.get("type").asText(), body.toString());
        assertEquals(type, body.at("/error/type").asText(), body.toString());
        assertTrue(body.at("/error/message").isTextual());
        assertEquals(response.headers().get("x-request-id"), body.get("request_id").asText());
    }
}
