package dev.tollgate.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.auth.GatewayKeys;
import dev.tollgate.auth.KeyStore;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.config.GatewayKey;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.log.RequestLog;
import dev.tollgate.routing.InMemoryCooldownStore;
import dev.tollgate.routing.RouteSwitch;
import dev.tollgate.routing.Sleeper;
import dev.tollgate.secrets.CredentialResolver;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The catalogue of bad input: each case must get an OpenAI-shaped 4xx naming what is wrong, never a 5xx, never a
 * stack trace, never a provider call. docs/reliability.md lists the same table.
 */
class BadInputTest {

    private static final String KEY = "tg-good";
    private static final List<String> providerCalls = new ArrayList<>();

    record Case(String name, String method, String path, Map<String, String> headers, byte[] body, int status,
                String code, String param) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case post(String name, String body, int status, String code, String param) {
        return new Case(name, "POST", "/v1/chat/completions", Map.of("Authorization", "Bearer " + KEY),
                body.getBytes(StandardCharsets.UTF_8), status, code, param);
    }

    private static Case chat(String name, String extra, int status, String code, String param) {
        return post(name, "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + extra + "}",
                status, code, param);
    }

    private static Case withKey(String name, String key, String model, int status, String code) {
        Map<String, String> headers = new HashMap<>();
        if (key != null) {
            headers.put("Authorization", key);
        }
        return new Case(name, "POST", "/v1/chat/completions", headers, ("{\"model\":\"" + model
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").getBytes(StandardCharsets.UTF_8),
                status, code, null);
    }

    static Stream<Case> cases() {
        byte[] invalidUtf8 = {'{', '"', 'm', 'o', 'd', 'e', 'l', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        String deep = "[".repeat(5000) + "]".repeat(5000);
        return Stream.of(
                post("empty body", "", 400, "invalid_json", null),
                post("whitespace body", "   \n ", 400, "invalid_json", null),
                post("truncated JSON", "{\"model\":\"demo\",\"messages\":[", 400, "invalid_json", null),
                post("trailing garbage", "{\"model\":\"demo\"} x", 400, "invalid_json", null),
                post("JSON array body", "[1,2,3]", 400, "invalid_value", null),
                post("JSON string body", "\"hello\"", 400, "invalid_value", null),
                post("JSON number body", "42", 400, "invalid_value", null),
                post("JSON null body", "null", 400, "invalid_value", null),
                post("deeply nested JSON", "{\"model\":\"demo\",\"messages\":" + deep + "}", 400, "invalid_json", null),
                new Case("invalid UTF-8", "POST", "/v1/chat/completions", Map.of("Authorization", "Bearer " + KEY),
                        invalidUtf8, 400, "invalid_json", null),
                post("model missing", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 400,
                        "missing_required_parameter", "model"),
                post("model null", "{\"model\":null,\"messages\":[]}", 400, "missing_required_parameter", "model"),
                post("model a number", "{\"model\":7,\"messages\":[]}", 400, "invalid_value", "model"),
                post("model empty", "{\"model\":\"\",\"messages\":[]}", 400, "invalid_value", "model"),
                post("model an object", "{\"model\":{},\"messages\":[]}", 400, "invalid_value", "model"),
                post("messages missing", "{\"model\":\"demo\"}", 400, "missing_required_parameter", "messages"),
                post("messages null", "{\"model\":\"demo\",\"messages\":null}", 400, "missing_required_parameter", "messages"),
                post("messages empty", "{\"model\":\"demo\",\"messages\":[]}", 400, "invalid_value", "messages"),
                post("messages an object", "{\"model\":\"demo\",\"messages\":{}}", 400, "invalid_value", "messages"),
                post("messages a string", "{\"model\":\"demo\",\"messages\":\"hi\"}", 400, "invalid_value", "messages"),
                post("message a number", "{\"model\":\"demo\",\"messages\":[1]}", 400, "invalid_value", "messages[0]"),
                post("message without role", "{\"model\":\"demo\",\"messages\":[{\"content\":\"hi\"}]}", 400,
                        "invalid_value", "messages[0]"),
                post("role a number", "{\"model\":\"demo\",\"messages\":[{\"role\":1}]}", 400, "invalid_value", "messages[0]"),
                post("unknown role", "{\"model\":\"demo\",\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}", 400,
                        "invalid_value", "messages[0].role"),
                post("content a number", "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":5}]}", 400,
                        "invalid_value", "messages[0].content"),
                post("content part not an object", "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":[\"x\"]}]}",
                        400, "invalid_value", "messages[0].content[0]"),
                post("content part without type", "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"x\"}]}]}",
                        400, "invalid_value", "messages[0].content[0]"),
                chat("stream a string", ",\"stream\":\"yes\"", 400, "invalid_value", "stream"),
                chat("stream a number", ",\"stream\":1", 400, "invalid_value", "stream"),
                chat("stream_options not an object", ",\"stream\":true,\"stream_options\":true", 400, "invalid_value",
                        "stream_options"),
                chat("max_tokens negative", ",\"max_tokens\":-5", 400, "invalid_value", "max_tokens"),
                chat("max_tokens zero", ",\"max_tokens\":0", 400, "invalid_value", "max_tokens"),
                chat("max_tokens huge", ",\"max_tokens\":1000000000000", 400, "invalid_value", "max_tokens"),
                chat("max_tokens fractional", ",\"max_tokens\":1.5", 400, "invalid_value", "max_tokens"),
                chat("max_tokens a string", ",\"max_tokens\":\"100\"", 400, "invalid_value", "max_tokens"),
                chat("max_completion_tokens negative", ",\"max_completion_tokens\":-1", 400, "invalid_value",
                        "max_completion_tokens"),
                chat("n zero", ",\"n\":0", 400, "invalid_value", "n"),
                post("n > 1 where the provider cannot", "{\"model\":\"claude-only\",\"n\":3,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 400, "unsupported_parameter", "n"),
                chat("temperature a string", ",\"temperature\":\"hot\"", 400, "invalid_value", "temperature"),
                chat("temperature out of range", ",\"temperature\":7", 400, "invalid_value", "temperature"),
                chat("top_p out of range", ",\"top_p\":1.5", 400, "invalid_value", "top_p"),
                chat("tools not an array", ",\"tools\":{}", 400, "invalid_value", "tools"),
                chat("tool without type", ",\"tools\":[{\"function\":{\"name\":\"f\"}}]", 400, "invalid_value", "tools[0]"),
                chat("function tool without name", ",\"tools\":[{\"type\":\"function\",\"function\":{}}]", 400,
                        "invalid_value", "tools[0].function"),
                chat("tool schema not JSON Schema", ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\","
                        + "\"parameters\":\"a string\"}}]", 400, "invalid_value", "tools[0].function.parameters"),
                chat("tool schema with a bad type", ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\","
                        + "\"parameters\":{\"type\":5}}}]", 400, "invalid_value", "tools[0].function.parameters"),
                chat("tool_choice invalid", ",\"tool_choice\":\"sometimes\"", 400, "invalid_value", "tool_choice"),
                post("unknown model", "{\"model\":\"gpt-99\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                        404, "model_not_found", "model"),
                post("very long unknown model", "{\"model\":\"" + "m".repeat(10_000)
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 404, "model_not_found", "model"),
                new Case("unknown route", "POST", "/v1/embeddingz", Map.of("Authorization", "Bearer " + KEY), new byte[0],
                        404, "unknown_url", null),
                new Case("unknown version prefix", "GET", "/v2/models", Map.of(), new byte[0], 404, "unknown_url", null),
                new Case("GET on chat completions", "GET", "/v1/chat/completions", Map.of("Authorization", "Bearer " + KEY),
                        new byte[0], 405, "method_not_allowed", null),
                new Case("DELETE on models", "DELETE", "/v1/models", Map.of(), new byte[0], 405, "method_not_allowed", null),
                withKey("missing gateway key", null, "demo", 401, "missing_api_key"),
                withKey("empty bearer", "Bearer ", "demo", 401, "missing_api_key"),
                withKey("garbled key", "Bearer \u0000\u0001garbage", "demo", 401, "invalid_api_key"),
                withKey("basic auth instead of bearer", "Basic dXNlcjpwYXNz", "demo", 401, "invalid_api_key"),
                withKey("unknown key", "Bearer tg-unknown", "demo", 401, "invalid_api_key"),
                withKey("revoked key", "Bearer tg-revoked", "demo", 401, "invalid_api_key"),
                withKey("expired key", "Bearer tg-expired", "demo", 401, "invalid_api_key"),
                withKey("key used for a model it may not use", "Bearer tg-restricted", "demo", 403, "model_not_allowed"));
    }

    private static final Gateway GATEWAY;

    static {
        GatewayConfig config = ConfigLoader.validate(ConfigLoader.readRaw("""
                models:
                  - name: demo
                    targets: [{provider: mock, model: mock-demo}]
                  - name: other
                    targets: [{provider: mock, model: mock-other}]
                  - name: claude-only
                    targets: [{provider: anthropic, model: claude-x, base_url: "http://127.0.0.1:9", credential: "env:ANT"}]
                keys:
                  - {id: good, sha256: %s}
                """.formatted(GatewayKeys.sha256(KEY)), "test"), "test");
        KeyStore keys = KeyStore.of(config.keys()).orElse(KeyStore.of(List.of(
                new GatewayKey("revoked", GatewayKeys.sha256("tg-revoked"), null, null, Set.of(), 0, 0, List.of(), true, null),
                new GatewayKey("expired", GatewayKeys.sha256("tg-expired"), null, null, Set.of(), 0, 0, List.of(), false,
                        Instant.parse("2020-01-01T00:00:00Z")),
                new GatewayKey("restricted", GatewayKeys.sha256("tg-restricted"), null, null, Set.of("other"), 0, 0,
                        List.of(), false, null))));
        RequestLog log = new RequestLog(line -> { });
        var mock = new dev.tollgate.providers.mock.MockAdapter(Clock.systemUTC());
        // Counts calls that got past the adapter's own checks, i.e. that a real provider would have received.
        var anthropic = GatewayFactory.providers(Clock.systemUTC()).adapter("anthropic");
        var providers = new dev.tollgate.providers.ProviderRegistry(List.of(anthropic, new dev.tollgate.providers.ProviderAdapter() {
            @Override
            public String type() {
                return "mock";
            }

            @Override
            public dev.tollgate.providers.ChatResult complete(dev.tollgate.providers.ChatCall call) {
                var result = mock.complete(call);
                providerCalls.add(call.target().model());
                return result;
            }

            @Override
            public dev.tollgate.providers.ChunkStream openStream(dev.tollgate.providers.ChatCall call) {
                var stream = mock.openStream(call);
                providerCalls.add(call.target().model());
                return stream;
            }
        }));
        GATEWAY = new Gateway(config, new GatewayKeys(keys, Clock.systemUTC()), GatewayFactory.router(config, providers,
                new CredentialResolver(Map.of("ANT", "sk-ant-never-sent"), null, null), new InMemoryCooldownStore(),
                RouteSwitch.NONE,
                Clock.systemUTC(), new SplittableRandom(1), Sleeper.REAL, log), log);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputGetsAClearClientErrorAndNoProviderCall(Case c) throws IOException {
        providerCalls.clear();
        GatewayResponse response = GATEWAY.handle(new GatewayRequest(c.method(), c.path(), c.headers(), c.body()));
        assertEquals(c.status(), response.status(), c.name());
        byte[] body = assertInstanceOf(GatewayResponse.Buffered.class, response).body();
        JsonNode error = JsonCodec.parse(body).get("error");
        assertEquals(c.code(), error.get("code").asText());
        if (c.param() != null) {
            assertEquals(c.param(), error.get("param").asText());
        }
        assertTrue(error.get("message").asText().length() < 400, "a short, useful message");
        assertFalse(new String(body, StandardCharsets.UTF_8).contains("Exception"), "no stack trace or class names");
        assertEquals(List.of(), providerCalls, "no provider was called");
        assertEquals("application/json", response.headers().get("Content-Type"));
    }
}
