package dev.tollgate.providers.gemini;

import dev.tollgate.errors.ErrorClass;
import dev.tollgate.errors.ProviderError;
import dev.tollgate.providers.Fixtures;
import dev.tollgate.secrets.Credential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GeminiErrorClassifierTest {

    private final GeminiErrorClassifier classifier = new GeminiErrorClassifier(Clock.systemUTC());

    private ProviderError classify(int status, String fixture, Map<String, String> headers) {
        return classifier.classify("gemini", status, Fixtures.headers(headers),
                Fixtures.bytes("gemini/errors/" + fixture), Optional.empty());
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "503, 503-overloaded.json,         503, FALLBACK,  upstream_overloaded",
            "500, 500-internal.json,           502, RETRYABLE, upstream_server_error",
            "504, 504-deadline.json,           504, RETRYABLE, upstream_timeout",
            "400, 400-invalid-argument.json,   400, FATAL,     upstream_bad_request",
            "400, 400-token-limit.json,        400, FATAL,     context_length_exceeded",
            "400, 400-api-key-invalid.json,    502, FALLBACK,  upstream_auth_failed",
            "400, 400-location.json,           502, FALLBACK,  upstream_auth_failed",
            "401, 401-unauthenticated.json,    502, FALLBACK,  upstream_auth_failed",
            "403, 403-permission-denied.json,  502, FALLBACK,  upstream_auth_failed",
            "404, 404-model.json,              502, FALLBACK,  upstream_not_found",
            "429, 429-per-day.json,            429, FALLBACK,  insufficient_quota",
            "429, 429-billing.json,            429, FALLBACK,  insufficient_quota",
            "429, 429-per-minute.json,         429, RETRYABLE, rate_limit_exceeded",
            "429, 429-resource-exhausted.json, 429, RETRYABLE, rate_limit_exceeded",
    })
    void googleErrorsMapToTheirClass(int upstream, String fixture, int client, ErrorClass errorClass, String code) {
        ProviderError error = classify(upstream, fixture, Map.of());
        assertEquals(client, error.status());
        assertEquals(errorClass, error.errorClass());
        assertEquals(code, error.code());
        assertEquals(upstream, error.upstreamStatus());
    }

    @Test
    void aPerMinuteThrottleWaitsForRetryInfoDespiteTheBillingWording() {
        ProviderError error = classify(429, "429-per-minute.json", Map.of("retry-after", "60"));
        assertEquals(Optional.of(Duration.ofSeconds(13)), error.retryAfter());
    }

    @Test
    void withoutRetryInfoTheRetryAfterHeaderIsHonoured() {
        ProviderError error = classify(429, "429-resource-exhausted.json", Map.of("retry-after", "7"));
        assertEquals(Optional.of(Duration.ofSeconds(7)), error.retryAfter());
    }

    @Test
    void requestErrorsCarryGooglesMessageAndContextErrorsSayWhy() {
        assertTrue(classify(400, "400-invalid-argument.json", Map.of()).getMessage()
                .contains("temperature: must be between 0 and 2"));
        assertTrue(classify(400, "400-token-limit.json", Map.of()).getMessage().contains("1048576"));
    }

    @Test
    void theKeyIsRedactedFromAnyEchoedMessage() {
        Credential key = new Credential("AIzaSyD-secret-key-123");
        ProviderError error = classifier.classify("gemini", 400, Fixtures.headers(Map.of()),
                "{\"error\":{\"code\":400,\"message\":\"bad key=AIzaSyD-secret-key-123 here\",\"status\":\"INVALID_ARGUMENT\"}}"
                        .getBytes(StandardCharsets.UTF_8), Optional.of(key));
        assertFalse(error.getMessage().contains("AIzaSyD-secret-key-123"), error.getMessage());
        assertTrue(error.getMessage().contains("[redacted]"), error.getMessage());
    }

    @Test
    void nonJsonBodiesStillClassifyByStatus() {
        ProviderError error = classifier.classify("gemini", 502, Fixtures.headers(Map.of()),
                "<html>Bad Gateway</html>".getBytes(StandardCharsets.UTF_8), Optional.empty());
        assertEquals("upstream_server_error", error.code());
    }

    @ParameterizedTest
    @CsvSource({"13s, 13000", "0.5s, 500", "1.0001s, 1001", "13, ", "xs, "})
    void protobufDurationsParse(String text, Long millis) {
        Duration parsed = GeminiErrorClassifier.protoDuration(text);
        assertEquals(millis == null ? null : Duration.ofMillis(millis), parsed);
    }
}
