package dev.tollgate.providers.anthropic;

import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.config.Target;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The anthropic provider type is registered with its defaults and its options are checked at load time. */
class AnthropicOptionsTest {

    private static GatewayConfig load(String target) {
        return ConfigLoader.validate(ConfigLoader.readRaw("models:\n  - name: claude\n    targets:\n      - " + target
                + "\nkeys: []\n", "test"), "test");
    }

    @Test
    void anthropicTargetGetsTheDefaultBaseUrlAndOptions() {
        Target target = load("{provider: anthropic, model: claude-sonnet-4-5, credential: 'env:ANTHROPIC_API_KEY'}")
                .route("claude").orElseThrow().targets().getFirst();
        assertEquals(URI.create("https://api.anthropic.com"), target.baseUrl());
        AnthropicOptions options = AnthropicOptions.of(target.options());
        assertEquals(4096, options.maxTokens());
        assertEquals("2023-06-01", options.version());
    }

    @Test
    void optionsAreRead() {
        Target target = load("{provider: anthropic, model: m, credential: 'env:K', "
                + "options: {max_tokens: 8192, anthropic_version: '2023-06-01'}}").route("claude").orElseThrow().targets().getFirst();
        assertEquals(new AnthropicOptions(8192, "2023-06-01"), AnthropicOptions.of(target.options()));
    }

    @Test
    void credentialIsRequired() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("{provider: anthropic, model: m}"));
        assertTrue(e.getMessage().contains("models[0].targets[0].credential: required"), e.getMessage());
    }

    @Test
    void badOptionsAreReportedByPath() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("{provider: anthropic, model: m, credential: 'env:K', "
                + "options: {max_tokens: 0, anthropic_version: 2023, temperature: 1}}"));
        assertTrue(e.getMessage().contains("models[0].targets[0].options.max_tokens: expected a whole number >= 1"), e.getMessage());
        assertTrue(e.getMessage().contains("models[0].targets[0].options.anthropic_version: expected a version date"), e.getMessage());
        assertTrue(e.getMessage().contains("models[0].targets[0].options.temperature: unknown anthropic option"), e.getMessage());
    }
}
