package dev.tollgate.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.auth.GatewayKeys;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.log.RequestLog;
import dev.tollgate.providers.ChatCall;
import dev.tollgate.providers.ChatResult;
import dev.tollgate.providers.ChunkStream;
import dev.tollgate.providers.ProviderAdapter;
import dev.tollgate.providers.ProviderRegistry;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The core end to end on the built-in mock provider: routing, auth, errors and streaming, no network. */
class GatewayTest {

    private static final String KEY = "tg-test-key";
    private final List<String> logLines = new ArrayList<>();
    private final Gateway gateway = gateway("""
            models:
              - name: steady
                aliases: [alias-of-steady]
                targets: [{provider: mock, model: mock-steady}]
              - name: broken
                targets: [{provider: mock, model: mock-broken, options: {failure_rate: 1, failure_status: 500}}]
              - name: limited
                targets: [{provider: mock, model: mock-limited, options: {failure_rate: 1, failure_status: 429}}]
              - name: with-fallback
                policy: {retries: 0}
                targets:
                  - {provider: mock, model: mock-broken, options: {failure_rate: 1}}
                  - {provider: mock, model: mock-steady}
              - name: needs-key
                targets: [{provider: openai, model: gpt, credential: "env:MISSING_KEY"}]
            keys:
              - id: test
                sha256: %s
            """.formatted(GatewayKeys.sha256(KEY)));

    private Gateway gateway(String yaml) {
        GatewayConfig config = ConfigLoader.validate(ConfigLoader.readRaw(yaml, "test"), "test");
        return new Gateway(config, GatewayFactory.providers(Clock.systemUTC()),
                new CredentialResolver(Map.of(), null, null), new RequestLog(logLines::add));
    }

    private GatewayResponse post(String body) {
        return gateway.handle(new GatewayRequest("POST", "/v1/chat/completions",
                Map.of("authorization", "Bearer " + KEY), body.getBytes(StandardCharsets.UTF_8)));
    }

    private static JsonNode json(GatewayResponse response) throws IOException {
        return JsonCodec.parse(assertInstanceOf(GatewayResponse.Buffered.class, response).body());
    }

    @Test
    void aLinkageErrorInAProviderCallIsAnswered500AndLoggedNotADroppedConnection() throws IOException {
        ProviderAdapter broken = new ProviderAdapter() {
            @Override
            public String type() {
                return "mock";
            }

            @Override
            public ChatResult complete(ChatCall call) {
                throw new IncompatibleClassChangeError();
            }

            @Override
            public ChunkStream openStream(ChatCall call) {
                throw new IncompatibleClassChangeError();
            }
        };
        GatewayConfig config = ConfigLoader.validate(ConfigLoader.readRaw("""
                models:
                  - name: steady
                    targets: [{provider: mock, model: mock-steady}]
                keys:
                  - {id: test, sha256: %s}
                """.formatted(GatewayKeys.sha256(KEY)), "test"), "test");
        Gateway failing = new Gateway(config, new ProviderRegistry(List.of(broken)),
                new CredentialResolver(Map.of(), null, null), new RequestLog(logLines::add));
        for (boolean stream : List.of(false, true)) {
            GatewayResponse response = failing.handle(new GatewayRequest("POST", "/v1/chat/completions",
                    Map.of("authorization", "Bearer " + KEY), ("{\"model\":\"steady\",\"stream\":" + stream
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").getBytes(StandardCharsets.UTF_8)));
            assertEquals(500, response.status());
            assertEquals("internal_error", json(response).at("/error/code").asText());
        }
        assertEquals(2, logLines.stream().filter(l -> l.contains("\"message\":\"request\"")
                && l.contains("\"status\":500")).count(), logLines.toString());
    }

    @Test
    void chatCompletionIsAnsweredByTheRoutesTarget() throws IOException {
        GatewayResponse response = post("{\"model\":\"alias-of-steady\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}");
        assertEquals(200, response.status());
        JsonNode body = json(response);
        assertEquals("chat.completion", body.get("object").asText());
        assertEquals("This is Tollgate's mock provider. You said: hello",
                body.at("/choices/0/message/content").asText());
        assertTrue(body.at("/usage/completion_tokens").asLong() > 0);
        assertEquals("mock", response.headers().get("x-tollgate-provider"));
        assertEquals("mock-steady", response.headers().get("x-tollgate-model"));
        assertEquals("1", response.headers().get("x-tollgate-attempts"));
        JsonNode log = JsonCodec.parse(logLines.getLast().getBytes(StandardCharsets.UTF_8));
        assertEquals("steady", log.get("route").asText());
        assertEquals("test", log.get("key_id").asText());
        assertEquals(body.at("/usage/prompt_tokens").asLong(), log.get("prompt_tokens").asLong());
    }

    @Test
    void streamedCompletionEndsWithDoneAndLogsUsage() throws IOException {
        GatewayResponse response = post("{\"model\":\"steady\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"a b c\"}]}");
        GatewayResponse.Streamed streamed = assertInstanceOf(GatewayResponse.Streamed.class, response);
        assertEquals("text/event-stream; charset=utf-8", streamed.headers().get("Content-Type"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        streamed.body().writeTo(out);
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.endsWith("data: [DONE]\n\n"), text);
        assertFalse(text.contains("\"usage\":{"), "the client did not ask for the usage chunk");
        JsonNode log = JsonCodec.parse(logLines.getLast().getBytes(StandardCharsets.UTF_8));
        assertTrue(log.get("completion_tokens").asLong() > 0, "usage is still metered: " + log);
        assertEquals("ok", log.get("outcome").asText());
    }

    @Test
    void upstreamServerErrorBecomes502WithOpenAiErrorShape() throws IOException {
        GatewayResponse response = post("{\"model\":\"broken\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertEquals(502, response.status());
        JsonNode error = json(response).get("error");
        assertEquals("upstream_server_error", error.get("code").asText());
        assertEquals("upstream_error", error.get("type").asText());
        assertTrue(error.has("param") && error.has("message"));
    }

    @Test
    void upstreamRateLimitStays429WithRetryAfter() throws IOException {
        GatewayResponse response = post("{\"model\":\"limited\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertEquals(429, response.status());
        assertEquals("1", response.headers().get("Retry-After"));
        assertEquals("rate_limit_exceeded", json(response).at("/error/code").asText());
    }

    @Test
    void aFailingTargetFallsBackToTheNextOne() throws IOException {
        GatewayResponse response = post("{\"model\":\"with-fallback\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertEquals(200, response.status());
        assertEquals("2", response.headers().get("x-tollgate-attempts"));
        assertEquals("1", response.headers().get("x-tollgate-fallbacks"));
        assertEquals("with-fallback", response.headers().get("x-tollgate-route"));
        assertEquals("mock-steady", response.headers().get("x-tollgate-model"));
        JsonNode log = JsonCodec.parse(logLines.getLast().getBytes(StandardCharsets.UTF_8));
        assertEquals("mock/mock-broken", log.at("/failed_attempts/0/target").asText());
    }

    @Test
    void aMissingProviderCredentialIsA502ThatNamesNoSecret() throws IOException {
        GatewayResponse response = post("{\"model\":\"needs-key\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertEquals(502, response.status());
        assertEquals("credential_unavailable", json(response).at("/error/code").asText());
    }

    @Test
    void badInputGetsClientErrorsNeverA500() throws IOException {
        assertEquals(400, post("{not json").status());
        assertEquals(404, post("{\"model\":\"nope\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").status());
        assertEquals("model_not_found",
                json(post("{\"model\":\"nope\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")).at("/error/code").asText());
        GatewayResponse wrongMethod = gateway.handle(new GatewayRequest("GET", "/v1/chat/completions", Map.of(), null));
        assertEquals(405, wrongMethod.status());
        GatewayResponse unknown = gateway.handle(new GatewayRequest("GET", "/v2/anything", Map.of(), null));
        assertEquals(404, unknown.status());
        assertEquals("unknown_url", json(unknown).at("/error/code").asText());
    }

    @Test
    void requestsWithoutAValidGatewayKeyAre401() throws IOException {
        byte[] body = "{\"model\":\"steady\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}".getBytes(StandardCharsets.UTF_8);
        GatewayResponse none = gateway.handle(new GatewayRequest("POST", "/v1/chat/completions", Map.of(), body));
        assertEquals(401, none.status());
        assertEquals("missing_api_key", json(none).at("/error/code").asText());
        GatewayResponse wrong = gateway.handle(new GatewayRequest("POST", "/v1/chat/completions",
                Map.of("Authorization", "Bearer nope"), body));
        assertEquals(401, wrong.status());
        assertEquals("invalid_api_key", json(wrong).at("/error/code").asText());
    }

    @Test
    void modelsListsNamesAndAliasesAndHealthNeedsNoKey() throws IOException {
        GatewayResponse models = gateway.handle(new GatewayRequest("GET", "/v1/models",
                Map.of("Authorization", "Bearer " + KEY), null));
        JsonNode data = json(models).get("data");
        assertEquals(List.of("steady", "alias-of-steady", "broken", "limited", "with-fallback", "needs-key"),
                data.findValuesAsText("id"));
        GatewayResponse one = gateway.handle(new GatewayRequest("GET", "/v1/models/steady",
                Map.of("Authorization", "Bearer " + KEY), null));
        assertEquals("steady", json(one).get("id").asText());
        GatewayResponse health = gateway.handle(new GatewayRequest("GET", "/health", Map.of(), null));
        assertEquals(200, health.status());
        assertEquals("ok", json(health).get("status").asText());
    }
}
