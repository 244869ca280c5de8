package dev.tollgate.providers.azure;

import dev.tollgate.config.Target;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.Fixtures;
import dev.tollgate.secrets.CredentialRef;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AzureOptionsTest {

    private static final URI BASE = URI.create("https://myres.openai.azure.com");

    private static URI uri(String model, String options) {
        Target target = new Target("azure", model, BASE, new CredentialRef.None(), Duration.ofSeconds(5),
                Fixtures.object(options));
        return AzureOptions.of(target).chatUri(target.baseUrl());
    }

    @Test
    void classicDeploymentUrlDefaultsToTheModelAndTheGaApiVersion() {
        assertEquals("https://myres.openai.azure.com/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21",
                uri("gpt-4o-prod", "{}").toString());
    }

    @Test
    void deploymentAndApiVersionOptionsOverrideTheDefaults() {
        assertEquals("https://myres.openai.azure.com/openai/deployments/chat-eu/chat/completions?api-version=2025-04-01-preview",
                uri("gpt-4o", "{\"deployment\":\"chat-eu\",\"api_version\":\"2025-04-01-preview\"}").toString());
    }

    @Test
    void theV1ApiHasNoDeploymentInThePathAndAnApiVersionOnlyWhenGiven() {
        assertEquals("https://myres.openai.azure.com/openai/v1/chat/completions",
                uri("gpt-4.1-mini", "{\"api\":\"v1\"}").toString());
        assertEquals("https://myres.openai.azure.com/openai/v1/chat/completions?api-version=preview",
                uri("gpt-4.1-mini", "{\"api\":\"v1\",\"api_version\":\"preview\"}").toString());
    }

    @Test
    void badOptionsAreReportedWithTheirPath() {
        List<String> problems = AzureOptions.problems(Fixtures.object("""
                {"api":"v2","deployment":"a/b","api_version":"yesterday","region":"x"}"""), "models[0].targets[0].options");
        String all = String.join("\n", problems);
        assertEquals(4, problems.size(), all);
        assertTrue(all.contains("models[0].targets[0].options.region: unknown azure option"), all);
        assertTrue(all.contains("models[0].targets[0].options.api: expected 'deployments' (the default) or 'v1'"), all);
        assertTrue(all.contains("options.deployment: expected a deployment name"), all);
        assertTrue(all.contains("options.api_version: expected a version"), all);
        assertTrue(AzureOptions.problems(JsonCodec.object(), "o").isEmpty());
        assertEquals(List.of("o.deployment: not used with api 'v1', which takes the target's model"),
                AzureOptions.problems(Fixtures.object("{\"api\":\"v1\",\"deployment\":\"d\"}"), "o"));
    }
}
