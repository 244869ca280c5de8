package dev.tollgate.providers.openai;

import dev.tollgate.errors.ErrorClass;
import dev.tollgate.errors.ProviderError;
import dev.tollgate.secrets.Credential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenAiErrorClassifierTest {

    private final OpenAiErrorClassifier classifier = new OpenAiErrorClassifier(Clock.systemUTC());

    private static HttpHeaders headers(Map<String, String> values) {
        return HttpHeaders.of(values.entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))), (a, b) -> true);
    }

    private ProviderError classify(int status, String body) {
        return classifier.classify("openai", status, headers(Map.of()), body.getBytes(StandardCharsets.UTF_8),
                Optional.empty());
    }

    @ParameterizedTest
    @CsvSource({
            "500, 502, RETRYABLE, upstream_server_error",
            "503, 502, RETRYABLE, upstream_server_error",
            "529, 503, FALLBACK, upstream_overloaded",
            "401, 502, FALLBACK, upstream_auth_failed",
            "403, 502, FALLBACK, upstream_auth_failed",
            "402, 429, FALLBACK, insufficient_quota",
            "404, 502, FALLBACK, upstream_not_found",
            "400, 400, FATAL, upstream_bad_request",
            "408, 504, RETRYABLE, upstream_timeout",
    })
    void upstreamStatusesMapToClientStatusAndClass(int upstream, int client, ErrorClass errorClass, String code) {
        ProviderError error = classify(upstream, "{\"error\":{\"message\":\"boom\",\"type\":\"x\",\"code\":null}}");
        assertEquals(client, error.status());
        assertEquals(errorClass, error.errorClass());
        assertEquals(code, error.code());
        assertEquals(upstream, error.upstreamStatus());
    }

    @Test
    void rateLimitCarriesTheRetryHint() {
        ProviderError error = classifier.classify("openai", 429, headers(Map.of("retry-after-ms", "1500")),
                "{\"error\":{\"message\":\"slow down\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}"
                        .getBytes(StandardCharsets.UTF_8), Optional.empty());
        assertEquals(429, error.status());
        assertEquals(ErrorClass.RETRYABLE, error.errorClass());
        assertEquals(Optional.of(Duration.ofMillis(1500)), error.retryAfter());
    }

    @Test
    void quota429IsAFallbackNotARetry() {
        ProviderError error = classify(429,
                "{\"error\":{\"message\":\"You exceeded your current quota\",\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}");
        assertEquals(ErrorClass.FALLBACK, error.errorClass());
        assertEquals("insufficient_quota", error.code());
    }

    @Test
    void badRequestPassesTheUpstreamMessageAndCodeButNeverTheKey() {
        Credential key = new Credential("sk-secret-123456");
        ProviderError error = classifier.classify("openai", 400, headers(Map.of()),
                "{\"error\":{\"message\":\"context too long for key sk-secret-123456\",\"code\":\"context_length_exceeded\"}}"
                        .getBytes(StandardCharsets.UTF_8), Optional.of(key));
        assertEquals("context_length_exceeded", error.code());
        assertTrue(error.getMessage().contains("context too long"), error.getMessage());
        assertFalse(error.getMessage().contains("sk-secret-123456"), error.getMessage());
    }

    @Test
    void authFailureNeverEchoesTheUpstreamText() {
        ProviderError error = classify(401, "{\"error\":{\"message\":\"Incorrect API key provided: sk-abc\"}}");
        assertFalse(error.getMessage().contains("sk-abc"), error.getMessage());
    }

    @Test
    void nonJsonErrorBodiesStillClassify() {
        assertEquals(502, classify(502, "<html>Bad gateway</html>").status());
    }
}
