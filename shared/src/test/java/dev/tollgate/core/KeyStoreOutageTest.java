package dev.tollgate.core;

import dev.tollgate.auth.GatewayKeys;
import dev.tollgate.auth.KeyStore;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.log.RequestLog;
import dev.tollgate.routing.InMemoryCooldownStore;
import dev.tollgate.routing.RouteSwitch;
import dev.tollgate.routing.Sleeper;
import dev.tollgate.secrets.CredentialResolver;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** A keys table that cannot be read answers 503 (retry later), not a 500 that blames the gateway. */
class KeyStoreOutageTest {

    private static final String CONFIG_KEY = "tg-config-key";
    private final List<String> log = new ArrayList<>();
    private final Gateway gateway;

    KeyStoreOutageTest() {
        GatewayConfig config = ConfigLoader.validate(ConfigLoader.readRaw("""
                models:
                  - name: steady
                    targets: [{provider: mock, model: mock-steady}]
                keys:
                  - {id: config, sha256: %s}
                """.formatted(GatewayKeys.sha256(CONFIG_KEY)), "test"), "test");
        KeyStore unreachable = sha256 -> {
            throw new IllegalStateException("Unable to execute HTTP request: Connect to 127.0.0.1:9 failed");
        };
        RequestLog requestLog = new RequestLog(log::add);
        gateway = new Gateway(config, new GatewayKeys(KeyStore.of(config.keys()).orElse(unreachable),
                Clock.systemUTC()), GatewayFactory.router(config, GatewayFactory.providers(Clock.systemUTC()),
                new CredentialResolver(Map.of(), null, null), new InMemoryCooldownStore(), RouteSwitch.NONE,
                Clock.systemUTC(), new SplittableRandom(1), Sleeper.REAL, requestLog), requestLog);
    }

    private GatewayResponse post(String path, Map<String, String> headers) {
        return gateway.handle(new GatewayRequest("POST", path, headers,
                "{\"model\":\"steady\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
                        .getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anUnknownKeyWhileTheKeysTableIsDownIs503KeyStoreUnavailable() throws IOException {
        GatewayResponse response = post("/v1/chat/completions", Map.of("Authorization", "Bearer tg-not-in-config"));
        assertEquals(503, response.status());
        String body = new String(assertInstanceOf(GatewayResponse.Buffered.class, response).body(),
                StandardCharsets.UTF_8);
        assertEquals("key_store_unavailable", JsonCodec.parse(body.getBytes(StandardCharsets.UTF_8))
                .at("/error/code").asText());
        assertEquals("1", response.headers().get("Retry-After"));
        assertFalse(body.contains("127.0.0.1"), "the store's failure stays in the log: " + body);
        assertFalse(String.join("\n", log).contains("127.0.0.1"), "and its message stays out of the log too");
    }

    @Test
    void theAnthropicEndpointAnswersTheOutageInItsOwnShape() throws IOException {
        GatewayResponse response = post("/v1/messages", Map.of("x-api-key", "tg-not-in-config"));
        assertEquals(503, response.status());
        assertEquals("error", JsonCodec.parse(assertInstanceOf(GatewayResponse.Buffered.class, response).body())
                .get("type").asText());
    }

    @Test
    void keysFromTheConfigStillWorkWhileTheKeysTableIsDown() {
        assertEquals(200, post("/v1/chat/completions", Map.of("Authorization", "Bearer " + CONFIG_KEY)).status());
    }
}
