package dev.tollgate.providers.bedrock;

import dev.tollgate.errors.ErrorClass;
import dev.tollgate.errors.ProviderError;
import dev.tollgate.secrets.Credential;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.bedrockruntime.model.AccessDeniedException;
import software.amazon.awssdk.services.bedrockruntime.model.InternalServerException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelErrorException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelNotReadyException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelStreamErrorException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelTimeoutException;
import software.amazon.awssdk.services.bedrockruntime.model.ResourceNotFoundException;
import software.amazon.awssdk.services.bedrockruntime.model.ServiceQuotaExceededException;
import software.amazon.awssdk.services.bedrockruntime.model.ServiceUnavailableException;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BedrockErrorClassifierTest {

    private final BedrockErrorClassifier classifier =
            new BedrockErrorClassifier(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

    private static <B extends AwsServiceException.Builder> AwsServiceException service(B builder, String code,
                                                                                      int status, String message) {
        return builder.statusCode(status).message(message).awsErrorDetails(AwsErrorDetails.builder().errorCode(code)
                .errorMessage(message).sdkHttpResponse(SdkHttpResponse.builder().statusCode(status).build())
                .build()).build();
    }

    private ProviderError classify(Throwable error) {
        return classifier.classify("bedrock", error, Optional.empty());
    }

    @Test
    void throttlingIsARetryableRateLimitWithTheRetryAfterHint() {
        AwsServiceException e = ThrottlingException.builder().statusCode(429).message("slow down")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ThrottlingException").errorMessage("slow down")
                        .sdkHttpResponse(SdkHttpResponse.builder().statusCode(429)
                                .putHeader("Retry-After", "3").build()).build()).build();
        ProviderError error = classify(e);
        assertEquals(429, error.status());
        assertEquals("rate_limit_exceeded", error.code());
        assertEquals(ErrorClass.RETRYABLE, error.errorClass());
        assertEquals(Optional.of(Duration.ofSeconds(3)), error.retryAfter());
    }

    @Test
    void serviceQuotaExceededIsAQuotaErrorThatFallsBack() {
        ProviderError error = classify(service(ServiceQuotaExceededException.builder(),
                "ServiceQuotaExceededException", 400, "quota"));
        assertEquals("insufficient_quota", error.code());
        assertEquals(ErrorClass.FALLBACK, error.errorClass());
    }

    @Test
    void notReadyAndUnavailableAreOverloaded() {
        for (AwsServiceException e : List.of(
                service(ModelNotReadyException.builder(), "ModelNotReadyException", 429, "warming"),
                service(ServiceUnavailableException.builder(), "ServiceUnavailableException", 503, "down"))) {
            ProviderError error = classify(e);
            assertEquals("upstream_overloaded", error.code(), e.getClass().getSimpleName());
            assertEquals(503, error.status());
        }
    }

    @Test
    void internalAndModelErrorsAreRetryableServerErrors() {
        for (AwsServiceException e : List.of(
                service(InternalServerException.builder(), "InternalServerException", 500, "boom"),
                service(ModelErrorException.builder(), "ModelErrorException", 424, "model failed"),
                service(ModelStreamErrorException.builder(), "modelStreamErrorException", 424, "stream failed"))) {
            ProviderError error = classify(e);
            assertEquals("upstream_server_error", error.code(), e.getClass().getSimpleName());
            assertEquals(ErrorClass.RETRYABLE, error.errorClass());
        }
    }

    @Test
    void validationIsABadRequestCarryingBedrocksMessage() {
        ProviderError error = classify(service(ValidationException.builder(), "ValidationException", 400,
                "The provided model identifier is invalid."));
        assertEquals(400, error.status());
        assertEquals(ErrorClass.FATAL, error.errorClass());
        assertEquals("upstream_bad_request", error.code());
        assertTrue(error.getMessage().contains("model identifier is invalid"));
    }

    @Test
    void tooLongInputsAreContextLengthErrors() {
        for (String message : List.of("Input is too long for requested model.",
                "prompt is too long: 210000 tokens > 200000 maximum",
                "input length and `max_tokens` exceed context limit: 199000 + 8192 > 200000",
                "The maximum tokens you requested exceeds the model limit of 4096")) {
            ProviderError error = classify(service(ValidationException.builder(), "ValidationException", 400, message));
            assertEquals("context_length_exceeded", error.code(), message);
        }
    }

    @Test
    void authFailuresIncludingUnmodeledOnes() {
        for (AwsServiceException e : List.of(
                service(AccessDeniedException.builder(), "AccessDeniedException", 403, "no access"),
                service(AwsServiceException.builder(), "UnrecognizedClientException", 403, "bad token"),
                service(AwsServiceException.builder(), "InvalidSignatureException", 403, "bad signature"))) {
            ProviderError error = classify(e);
            assertEquals("upstream_auth_failed", error.code(), e.awsErrorDetails().errorCode());
            assertEquals(ErrorClass.FALLBACK, error.errorClass());
        }
    }

    @Test
    void anUnknownModelIsUpstreamNotFound() {
        ProviderError error = classify(service(ResourceNotFoundException.builder(), "ResourceNotFoundException", 404,
                "Model not found"));
        assertEquals("upstream_not_found", error.code());
    }

    @Test
    void modelAndClientTimeoutsAreTimeouts() {
        assertEquals("upstream_timeout", classify(service(ModelTimeoutException.builder(), "ModelTimeoutException",
                408, "took too long")).code());
        assertEquals("upstream_timeout", classify(ApiCallTimeoutException.create(5000)).code());
        assertEquals("upstream_timeout", classify(new CompletionException(SdkClientException.create("read",
                new java.net.SocketTimeoutException("Read timed out")))).code());
    }

    @Test
    void connectionFailuresAreRetryable() {
        ProviderError error = classify(new CompletionException(SdkClientException.create("Unable to execute",
                new ConnectException("Connection refused"))));
        assertEquals("upstream_connection_failed", error.code());
        assertEquals(ErrorClass.RETRYABLE, error.errorClass());
    }

    @Test
    void unknownServiceErrorsFallBackOnTheirStatus() {
        assertEquals("rate_limit_exceeded",
                classify(service(AwsServiceException.builder(), "SomethingNew", 429, "x")).code());
        assertEquals("upstream_server_error",
                classify(service(AwsServiceException.builder(), "SomethingNew", 502, "x")).code());
        assertEquals("upstream_bad_request",
                classify(service(AwsServiceException.builder(), "SomethingNew", 400, "x")).code());
    }

    @Test
    void theApiKeyIsRedactedFromUpstreamMessages() {
        Credential key = new Credential("bedrock-key-secret-value");
        ProviderError error = classifier.classify("bedrock", service(ValidationException.builder(),
                "ValidationException", 400, "bad token bedrock-key-secret-value given"), Optional.of(key));
        assertFalse(error.getMessage().contains("bedrock-key-secret-value"), error.getMessage());
        assertTrue(error.getMessage().contains("[redacted]"));
    }
}
