package dev.tollgate.fakes;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fakes themselves speak the documented wire formats, byte for byte, and inject faults as promised. */
class FakeUpstreamWireTest {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final FakeGeminiServer gemini = new FakeGeminiServer("g-key");
    private final FakeAzureOpenAiServer azure = new FakeAzureOpenAiServer("a-key", Set.of("dep"));

    @AfterEach
    void stop() {
        gemini.close();
        azure.close();
    }

    private HttpResponse<String> post(String url, String header, String key, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        if (key != null) {
            request.header(header, key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static final String GEMINI_BODY = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi there\"}]}]}";
    private static final String AZURE_BODY = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}";

    @Test
    void geminiAnswersWholeAsIndentedJsonAndStreamsCrLfFramesWithoutATerminator() throws Exception {
        HttpResponse<String> whole = post(gemini.baseUrl() + "/models/gemini-2.5-flash:generateContent",
                "x-goog-api-key", "g-key", GEMINI_BODY);
        assertEquals(200, whole.statusCode());
        assertTrue(whole.body().startsWith("{\n  \"candidates\": [\n    {\n      \"content\": {\n        \"parts\": [\n"
                + "          {\n            \"text\": \"You said: hi there\"\n          }\n        ],\n"
                + "        \"role\": \"model\"\n      },\n      \"finishReason\": \"STOP\",\n"), whole.body());
        HttpResponse<String> stream = post(gemini.baseUrl() + "/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
                "x-goog-api-key", "g-key", GEMINI_BODY);
        assertEquals("text/event-stream", stream.headers().firstValue("content-type").orElseThrow());
        String[] frames = stream.body().split("\r\n\r\n");
        assertEquals(4, frames.length, stream.body());
        assertTrue(frames[0].startsWith("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"You \"}],"
                + "\"role\": \"model\"},\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 12,"), frames[0]);
        assertTrue(frames[3].contains("\"finishReason\": \"STOP\""), frames[3]);
        assertTrue(stream.body().endsWith("}\r\n\r\n"));
        assertFalse(stream.body().contains("[DONE]"));
    }

    @Test
    void geminiRefusesAMissingKeyWith403AndAWrongOneWith400ApiKeyInvalid() throws Exception {
        HttpResponse<String> missing = post(gemini.baseUrl() + "/models/m:generateContent", "x-goog-api-key", null,
                GEMINI_BODY);
        assertEquals(403, missing.statusCode());
        assertTrue(missing.body().contains("\"status\": \"PERMISSION_DENIED\""), missing.body());
        HttpResponse<String> wrong = post(gemini.baseUrl() + "/models/m:generateContent", "x-goog-api-key", "nope",
                GEMINI_BODY);
        assertEquals(400, wrong.statusCode());
        assertTrue(wrong.body().contains("\"reason\": \"API_KEY_INVALID\""), wrong.body());
    }

    @Test
    void azureStreamsOpenWithThePromptFilterChunkAndEndWithDone() throws Exception {
        HttpResponse<String> stream = post(azure.endpoint() + "/openai/deployments/dep/chat/completions?api-version=2024-10-21",
                "api-key", "a-key", "{\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        String body = stream.body();
        assertTrue(body.startsWith("data: {\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\","
                + "\"prompt_filter_results\":[{\"content_filter_results\":{\"hate\":{\"filtered\":false,"), body);
        assertTrue(body.endsWith("\"total_tokens\":1545}}\n\ndata: [DONE]\n\n"), body);
    }

    @Test
    void azureWantsItsKeyInApiKeyAndKnowsItsDeployments() throws Exception {
        assertEquals(401, post(azure.endpoint() + "/openai/deployments/dep/chat/completions?api-version=2024-10-21",
                "Authorization", "Bearer a-key", AZURE_BODY).statusCode());
        HttpResponse<String> unknown = post(azure.endpoint() + "/openai/deployments/other/chat/completions?api-version=x",
                "api-key", "a-key", AZURE_BODY);
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body().contains("DeploymentNotFound"));
    }

    @Test
    void aCutStreamDropsTheConnectionMidBody() {
        gemini.enqueue(gemini.stream("a ", "b ", "c").cutAfter(1));
        IOException e = assertThrows(IOException.class, () -> post(
                gemini.baseUrl() + "/models/m:streamGenerateContent?alt=sse", "x-goog-api-key", "g-key", GEMINI_BODY));
        assertTrue(e.getMessage() != null);
    }
}
