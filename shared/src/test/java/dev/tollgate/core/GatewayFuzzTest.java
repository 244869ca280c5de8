package dev.tollgate.core;

import dev.tollgate.fuzz.FuzzSeed;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.auth.GatewayKeys;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.fuzz.JsonFuzz;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.log.RequestLog;
import dev.tollgate.secrets.CredentialResolver;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzing the front door: whatever bytes arrive at {@code /v1/chat/completions} or {@code /v1/messages} on a mock
 * route, the gateway answers without letting an exception escape, never with a 5xx (a bad body is the client's
 * fault, and the mock never fails here), and every non-200 answer is an error body in the endpoint's format.
 */
class GatewayFuzzTest {

    private static final String KEY = "tg-fuzz-key";
    private static final List<String> LOG = new CopyOnWriteArrayList<>();
    private static final Gateway GATEWAY;

    static {
        GatewayConfig config = ConfigLoader.validate(ConfigLoader.readRaw("""
                models:
                  - name: demo
                    targets: [{provider: mock, model: mock-demo}]
                keys:
                  - {id: fuzz, sha256: %s}
                """.formatted(GatewayKeys.sha256(KEY)), "test"), "test");
        GATEWAY = new Gateway(config, GatewayFactory.providers(Clock.systemUTC()),
                new CredentialResolver(Map.of(), null, null), new RequestLog(LOG::add));
    }

    @Provide
    Arbitrary<JsonNode> trees() {
        return JsonFuzz.anyJson();
    }

    @Provide
    Arbitrary<ObjectNode> requests() {
        return JsonFuzz.chatRequests("demo");
    }

    @Provide
    Arbitrary<byte[]> mutatedRequests() {
        return Arbitraries.randomValue(random -> {
            ObjectNode valid = JsonFuzz.chatRequest(random, "demo");
            ObjectNode mutated = JsonFuzz.mutate(valid, random);
            byte[] bytes = JsonCodec.bytes(mutated);
            return random.nextBoolean() ? JsonFuzz.damage(bytes, random) : bytes;
        });
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.of("/v1/chat/completions", "/v1/messages");
    }

    @Property(tries = 500, seed = FuzzSeed.SEED)
    void randomJsonTreesGetAnAnswerNeverA5xx(@ForAll("trees") JsonNode body, @ForAll("paths") String path) {
        assertTruthfulAnswer(path, JsonCodec.bytes(body));
    }

    @Property(tries = 500, seed = FuzzSeed.SEED)
    void randomBytesGetAnAnswerNeverA5xx(@ForAll byte[] body, @ForAll("paths") String path) {
        assertTruthfulAnswer(path, body);
    }

    @Property(tries = 800, seed = FuzzSeed.SEED)
    void mutationsOfAValidRequestGetAnAnswerNeverA5xx(@ForAll("mutatedRequests") byte[] body,
                                                        @ForAll("paths") String path) {
        assertTruthfulAnswer(path, body);
    }

    @Property(tries = 800, seed = FuzzSeed.SEED)
    void mostlyValidChatRequestsAreServedOrRefusedWithA4xx(@ForAll("requests") ObjectNode request) {
        int status = assertTruthfulAnswer("/v1/chat/completions", JsonCodec.bytes(request));
        Statistics.collect(status == 200 ? "served" : "refused");
        // The generator must reach the provider often, or this property proves little about the path behind the checks.
        Statistics.coverage(coverage -> coverage.check("served").percentage(p -> p > 20));
    }

    @Property(tries = 300, seed = FuzzSeed.SEED)
    void randomHeadersAndPathsNeverBreakTheGateway(@ForAll("headerValues") String value, @ForAll("rawPaths") String path) {
        GatewayResponse response = assertDoesNotThrow(() -> GATEWAY.handle(new GatewayRequest("POST", path,
                Map.of("Authorization", value, "x-api-key", value, "anthropic-version", value),
                "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes(StandardCharsets.UTF_8))));
        assertTrue(response.status() < 500, "status " + response.status());
    }

    @Provide
    Arbitrary<String> headerValues() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(200),
                Arbitraries.of("Bearer " + KEY, "Bearer " + KEY + "\r\nX-Injected: 1", "Bearer", "bearer " + KEY,
                        KEY, "Bearer  " + KEY));
    }

    @Provide
    Arbitrary<String> rawPaths() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(60),
                Arbitraries.of("/v1/chat/completions/", "/v1/chat/completions?x=1", "/v1/messages?beta=true",
                        "/v1/models/%00", "/v1/models/../../etc/passwd", "", "/"));
    }

    private static int assertTruthfulAnswer(String path, byte[] body) {
        Map<String, String> headers = path.equals("/v1/messages")
                ? Map.of("x-api-key", KEY, "anthropic-version", "2023-06-01")
                : Map.of("Authorization", "Bearer " + KEY);
        GatewayResponse response = assertDoesNotThrow(() -> GATEWAY.handle(
                new GatewayRequest("POST", path, headers, body)));
        assertTrue(response.status() < 500, () -> "a 5xx for " + JsonFuzz.class.getSimpleName() + " input: "
                + new String(body, StandardCharsets.UTF_8) + " -> " + describe(response));
        switch (response) {
            case GatewayResponse.Buffered buffered -> {
                JsonNode json = assertDoesNotThrow(() -> JsonCodec.parse(buffered.body()), "the body is JSON");
                if (buffered.status() != 200) {
                    JsonNode error = json.path("error");
                    assertTrue(error.path("message").isTextual(), "error.message: " + json);
                    assertTrue(error.path("type").isTextual(), "error.type: " + json);
                    if (path.equals("/v1/messages")) {
                        assertEquals("error", json.path("type").asText(), "an Anthropic error envelope: " + json);
                    }
                    String text = new String(buffered.body(), StandardCharsets.UTF_8);
                    assertFalse(text.contains("Exception") || text.contains("\tat "), "no stack trace: " + text);
                } else {
                    assertTrue(json.isObject(), "a 200 answers a JSON object");
                }
            }
            case GatewayResponse.Streamed streamed -> {
                assertEquals(200, streamed.status());
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                assertDoesNotThrow(() -> streamed.body().writeTo(out), "the stream is written to the end");
                assertTrue(out.size() > 0);
            }
        }
        return response.status();
    }

    private static String describe(GatewayResponse response) {
        return response instanceof GatewayResponse.Buffered b
                ? response.status() + " " + new String(b.body(), StandardCharsets.UTF_8) + " log: " + LOG.getLast()
                : response.status() + " (stream)";
    }

}
