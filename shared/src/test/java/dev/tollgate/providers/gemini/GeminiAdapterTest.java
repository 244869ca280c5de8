package dev.tollgate.providers.gemini;

import dev.tollgate.config.Target;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.secrets.CredentialRef;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GeminiAdapterTest {

    private static Target target(String model) {
        return new Target("gemini", model, URI.create("https://generativelanguage.googleapis.com/v1beta"),
                new CredentialRef.None(), Duration.ofSeconds(5), JsonCodec.object());
    }

    @Test
    void modelNamesArePrefixedWithModelsUnlessTheyNameTheirCollection() {
        assertEquals("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent",
                GeminiAdapter.uri(target("gemini-2.5-flash"), ":generateContent").toString());
        assertEquals("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
                GeminiAdapter.uri(target("models/gemini-2.5-flash"), ":streamGenerateContent?alt=sse").toString());
        assertEquals("https://generativelanguage.googleapis.com/v1beta/tunedModels/my-model-x1:generateContent",
                GeminiAdapter.uri(target("tunedModels/my-model-x1"), ":generateContent").toString());
    }
}
