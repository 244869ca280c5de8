package dev.tollgate.providers.anthropic;

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
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Anthropic's documented error statuses and types map to the gateway's error classes. */
class AnthropicErrorClassifierTest {

    private final AnthropicErrorClassifier classifier = new AnthropicErrorClassifier(Clock.systemUTC());

    private static HttpHeaders headers(Map<String, String> values) {
        return HttpHeaders.of(values.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))), (a, b) -> true);
    }

    private static byte[] body(String type, String message) {
        return ("{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"},"
                + "\"request_id\":\"req_011CSHoEeqs5C35K2UUqR7Fy\"}").getBytes(StandardCharsets.UTF_8);
    }

    private ProviderError classify(int status, String type, String message) {
        return classifier.classify("anthropic", status, headers(Map.of()), body(type, message), Optional.empty());
    }

    @ParameterizedTest
    @CsvSource({
            "400, invalid_request_error, 400, FATAL, upstream_bad_request",
            "401, authentication_error, 502, FALLBACK, upstream_auth_failed",
            "403, permission_error, 502, FALLBACK, upstream_auth_failed",
            "402, billing_error, 429, FALLBACK, insufficient_quota",
            "404, not_found_error, 502, FALLBACK, upstream_not_found",
            "413, request_too_large, 400, FATAL, request_too_large",
            "429, rate_limit_error, 429, RETRYABLE, rate_limit_exceeded",
            "500, api_error, 502, RETRYABLE, upstream_server_error",
            "504, timeout_error, 504, RETRYABLE, upstream_timeout",
            "529, overloaded_error, 503, FALLBACK, upstream_overloaded",
    })
    void documentedErrorsMapToClientStatusClassAndCode(int upstream, String type, int client, ErrorClass errorClass,
                                                      String code) {
        ProviderError error = classify(upstream, type, "boom");
        assertEquals(client, error.status());
        assertEquals(errorClass, error.errorClass());
        assertEquals(code, error.code());
        assertEquals(upstream, error.upstreamStatus());
    }

    @Test
    void rateLimitCarriesRetryAfter() {
        ProviderError error = classifier.classify("anthropic", 429, headers(Map.of("retry-after", "17")),
                body("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"),
                Optional.empty());
        assertEquals(Optional.of(Duration.ofSeconds(17)), error.retryAfter());
    }

    @Test
    void promptTooLongIsAContextLengthError() {
        ProviderError error = classify(400, "invalid_request_error", "prompt is too long: 215000 tokens > 200000 maximum");
        assertEquals("context_length_exceeded", error.code());
        assertEquals(ErrorClass.FATAL, error.errorClass());
        assertTrue(error.getMessage().contains("215000 tokens"));
    }

    @Test
    void billingTroubleReportedAs400Or429IsQuotaNotABadRequestOrARetry() {
        assertEquals("insufficient_quota", classify(400, "invalid_request_error",
                "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.").code());
        ProviderError spend = classifier.classify("anthropic", 429, headers(Map.of()),
                "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"spend limit\",\"details\":{\"error_code\":\"enforced_spend_limit_reached\"}}}"
                        .getBytes(StandardCharsets.UTF_8), Optional.empty());
        assertEquals("insufficient_quota", spend.code());
        assertEquals(ErrorClass.FALLBACK, spend.errorClass());
    }

    @Test
    void upstreamMessagesNeverEchoTheKey() {
        Credential key = new Credential("sk-ant-api03-secret");
        ProviderError error = classifier.classify("anthropic", 400, headers(Map.of()),
                body("invalid_request_error", "bad header x-api-key: sk-ant-api03-secret"), Optional.of(key));
        assertFalse(error.getMessage().contains("sk-ant-api03-secret"), error.getMessage());
        assertTrue(error.getMessage().contains("[redacted]"), error.getMessage());
        ProviderError auth = classifier.classify("anthropic", 401, headers(Map.of()),
                body("authentication_error", "invalid x-api-key sk-ant-api03-secret"), Optional.of(key));
        assertFalse(auth.getMessage().contains("sk-ant"), auth.getMessage());
    }

    @Test
    void nonJsonBodiesClassifyByStatus() {
        ProviderError error = classifier.classify("anthropic", 413, headers(Map.of()),
                "<html>413 Request Entity Too Large</html>".getBytes(StandardCharsets.UTF_8), Optional.empty());
        assertEquals(400, error.status());
        assertEquals(502, classifier.classify("anthropic", 502, headers(Map.of()), new byte[0], Optional.empty()).status());
    }

    @ParameterizedTest
    @CsvSource({"overloaded_error, upstream_overloaded", "rate_limit_error, rate_limit_exceeded",
            "api_error, upstream_server_error", "invalid_request_error, upstream_bad_request",
            "something_new, upstream_server_error"})
    void streamErrorEventsClassifyByType(String type, String code) {
        ProviderError error = classifier.classifyEvent("anthropic",
                Fixtures.parse(new String(body(type, "x"), StandardCharsets.UTF_8)), Optional.empty());
        assertEquals(code, error.code());
    }
}
