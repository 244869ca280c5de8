package dev.tollgate.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gemini and azure provider kinds as the config loader sees them. */
class GeminiAzureConfigTest {

    private static GatewayConfig load(String models) {
        return ConfigLoader.validate(ConfigLoader.readRaw("models:\n" + models, "test"), "test");
    }

    private static String problems(String models) {
        return String.join("\n", assertThrows(ConfigException.class, () -> load(models)).problems());
    }

    @Test
    void geminiDefaultsToTheGoogleApiAndAzureKeepsItsResourceEndpoint() {
        GatewayConfig config = load("""
                  - name: g
                    targets:
                      - {provider: gemini, model: gemini-2.5-flash, credential: "env:GEMINI_API_KEY",
                         options: {safety_settings: [{category: HARM_CATEGORY_HARASSMENT, threshold: BLOCK_ONLY_HIGH}]}}
                  - name: a
                    targets:
                      - {provider: azure, model: gpt-4o, base_url: "https://myres.openai.azure.com/",
                         credential: "secret:#azure", options: {deployment: gpt-4o-prod, api_version: 2024-10-21}}
                """);
        assertEquals("https://generativelanguage.googleapis.com/v1beta",
                config.route("g").orElseThrow().targets().getFirst().baseUrl().toString());
        assertEquals("https://myres.openai.azure.com", config.route("a").orElseThrow().targets().getFirst().baseUrl().toString());
    }

    @Test
    void bothNeedACredentialAndAzureNeedsItsEndpoint() {
        String all = problems("""
                  - name: g
                    targets: [{provider: gemini, model: gemini-2.5-flash}]
                  - name: a
                    targets: [{provider: azure, model: gpt-4o}]
                """);
        assertTrue(all.contains("models[0].targets[0].credential: required for provider 'gemini'"), all);
        assertTrue(all.contains("models[1].targets[0].credential: required for provider 'azure'"), all);
        assertTrue(all.contains("models[1].targets[0].base_url: required for provider 'azure'"), all);
    }

    @Test
    void providerOptionsAreCheckedAtLoad() {
        String all = problems("""
                  - name: g
                    targets: [{provider: gemini, model: m, credential: none, options: {safety_settings: BLOCK_NONE, top_k: 3}}]
                  - name: a
                    targets: [{provider: azure, model: m, base_url: "https://r.openai.azure.com", credential: none,
                               options: {api: v3}}]
                """);
        assertTrue(all.contains("models[0].targets[0].options.top_k: unknown gemini option"), all);
        assertTrue(all.contains("models[0].targets[0].options.safety_settings: expected a list"), all);
        assertTrue(all.contains("models[1].targets[0].options.api: expected 'deployments' (the default) or 'v1'"), all);
    }
}
