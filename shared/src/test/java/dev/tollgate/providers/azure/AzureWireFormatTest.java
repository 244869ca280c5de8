package dev.tollgate.providers.azure;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.errors.ErrorClass;
import dev.tollgate.errors.ProviderError;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.Fixtures;
import dev.tollgate.providers.Usage;
import dev.tollgate.providers.openai.OpenAiChunkStream;
import dev.tollgate.providers.openai.OpenAiErrorClassifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Azure OpenAI's own answers, streams and errors, read by the OpenAI pieces the Azure adapter reuses. */
class AzureWireFormatTest {

    private final OpenAiErrorClassifier classifier = new OpenAiErrorClassifier(Clock.systemUTC());

    private ProviderError classify(int status, String fixture, Map<String, String> headers) {
        return classifier.classify("azure", status, Fixtures.headers(headers),
                Fixtures.bytes("azure/errors/" + fixture), Optional.empty());
    }

    private static List<JsonNode> drain(OpenAiChunkStream stream) throws IOException {
        List<JsonNode> chunks = new ArrayList<>();
        for (byte[] chunk = stream.next(); chunk != null; chunk = stream.next()) {
            chunks.add(JsonCodec.parse(chunk));
        }
        return chunks;
    }

    @ParameterizedTest(name = "{0} {1} -> {3}")
    @CsvSource({
            "400, 400-content-filter.json,  400, FATAL,     content_filter",
            "400, 400-context-length.json,  400, FATAL,     context_length_exceeded",
            "401, 401-access-denied.json,   502, FALLBACK,  upstream_auth_failed",
            "404, 404-deployment.json,      502, FALLBACK,  upstream_not_found",
            "429, 429-rate-limit.json,      429, RETRYABLE, rate_limit_exceeded",
            "500, 500-internal.json,        502, RETRYABLE, upstream_server_error",
            "503, 503-unavailable.json,     502, RETRYABLE, upstream_server_error",
    })
    void azureErrorsMapToTheirClass(int upstream, String fixture, int client, ErrorClass errorClass, String code) {
        ProviderError error = classify(upstream, fixture, Map.of());
        assertEquals(client, error.status());
        assertEquals(errorClass, error.errorClass());
        assertEquals(code, error.code());
    }

    @Test
    void aContentFilterRefusalIsRecognisedByItsInnerErrorAlone() {
        ProviderError error = classifier.classify("azure", 400, Fixtures.headers(Map.of()), """
                {"error":{"message":"filtered","type":null,"param":"prompt","code":null,"status":400,
                 "innererror":{"code":"ResponsibleAIPolicyViolation"}}}""".getBytes(StandardCharsets.UTF_8),
                Optional.empty());
        assertEquals("content_filter", error.code());
        assertTrue(error.getMessage().contains("content policy"), error.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"retry-after-ms, 6500, 6500", "x-ms-retry-after-ms, 250, 250", "retry-after, 6, 6000"})
    void rateLimitsHonourEachOfAzuresRetryHeaders(String header, String value, long millis) {
        ProviderError error = classify(429, "429-rate-limit.json", Map.of(header, value));
        assertEquals(Optional.of(Duration.ofMillis(millis)), error.retryAfter());
    }

    @Test
    void theStreamDropsThePromptFilterChunkAndTheUnaskedUsageChunkAndKeepsChoiceFilterResults() throws IOException {
        OpenAiChunkStream stream = new OpenAiChunkStream(
                new ByteArrayInputStream(Fixtures.bytes("azure/stream.sse")), false);
        List<JsonNode> chunks = drain(stream);
        assertEquals(4, chunks.size(), chunks.toString());
        assertTrue(chunks.stream().allMatch(c -> "chat.completion.chunk".equals(c.get("object").asText())), chunks.toString());
        assertEquals("assistant", chunks.get(0).at("/choices/0/delta/role").asText());
        assertEquals("Paris", chunks.get(1).at("/choices/0/delta/content").asText());
        assertTrue(chunks.get(1).at("/choices/0/content_filter_results/hate").isObject());
        assertEquals("stop", chunks.get(3).at("/choices/0/finish_reason").asText());
        assertEquals(new Usage(1542, 8, 1280), stream.usage());
    }

    @Test
    void aContentFilterFinishInTheStreamPassesThroughAsContentFilter() throws IOException {
        List<JsonNode> chunks = drain(new OpenAiChunkStream(
                new ByteArrayInputStream(Fixtures.bytes("azure/stream-content-filter.sse")), true));
        JsonNode finish = chunks.get(2);
        assertEquals("content_filter", finish.at("/choices/0/finish_reason").asText());
        assertTrue(finish.at("/choices/0/content_filter_results/violence/filtered").asBoolean());
        assertTrue(chunks.get(3).get("usage").isObject(), "the client asked for usage");
    }

    @Test
    void aStreamThatStopsBeforeDoneAndBeforeAFinishReasonFails() throws IOException {
        String text = new String(Fixtures.bytes("azure/stream.sse"), StandardCharsets.UTF_8);
        int cut = text.indexOf("data: ", text.indexOf("\"content\":\"Paris\""));
        OpenAiChunkStream stream = new OpenAiChunkStream(
                new ByteArrayInputStream(text.substring(0, cut).getBytes(StandardCharsets.UTF_8)), false);
        stream.next();
        assertEquals("Paris", JsonCodec.parse(stream.next()).at("/choices/0/delta/content").asText());
        assertThrows(IOException.class, stream::next);
    }

    @Test
    void aStreamThatFinishedButLostOnlyDoneStillEnds() throws IOException {
        String text = new String(Fixtures.bytes("azure/stream.sse"), StandardCharsets.UTF_8);
        String withoutDone = text.substring(0, text.indexOf("data: [DONE]"));
        List<JsonNode> chunks = drain(new OpenAiChunkStream(
                new ByteArrayInputStream(withoutDone.getBytes(StandardCharsets.UTF_8)), false));
        assertEquals(4, chunks.size());
    }

    @Test
    void aMalformedChunkIsAnError() {
        OpenAiChunkStream stream = new OpenAiChunkStream(new ByteArrayInputStream(
                "data: {\"choices\":[{\"delta\":{\"content\":\"Pa\n\n".getBytes(StandardCharsets.UTF_8)), false);
        assertThrows(IOException.class, stream::next);
    }
}
