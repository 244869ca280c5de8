package dev.tollgate.providers.bedrock;

import dev.tollgate.errors.ProviderError;
import dev.tollgate.providers.RetryAfter;
import dev.tollgate.secrets.Credential;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;

import java.net.SocketTimeoutException;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Maps what the Bedrock Runtime SDK throws to a {@link ProviderError}: by the service's error code (the modeled
 * exception names, and unmodeled ones such as UnrecognizedClientException), then by HTTP status; client-side
 * failures by their cause (timeouts, connection errors).
 */
final class BedrockErrorClassifier {

    /** ValidationException texts that mean the prompt (plus max tokens) does not fit the model's context. */
    private static final Pattern CONTEXT_LENGTH = Pattern.compile(
            "too long|context (length|limit|window)|maximum context|max(imum)?[ _]tokens?.*exceed|exceed.*max(imum)?[ _]tokens?",
            Pattern.CASE_INSENSITIVE);

    private final Clock clock;

    BedrockErrorClassifier(Clock clock) {
        this.clock = clock;
    }

    ProviderError classify(String provider, Throwable failure, Optional<Credential> credential) {
        Throwable error = unwrap(failure);
        if (error instanceof ProviderError already) {
            return already;
        }
        if (error instanceof AwsServiceException service) {
            return service(provider, service, credential);
        }
        if (isTimeout(error)) {
            return ProviderError.timeout(provider, error);
        }
        return ProviderError.connectionFailed(provider, error);
    }

    private ProviderError service(String provider, AwsServiceException e, Optional<Credential> credential) {
        String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? ""
                : e.awsErrorDetails().errorCode().toLowerCase(Locale.ROOT);
        String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
        if (message != null && credential.isPresent()) {
            message = credential.get().redactFrom(message);
        }
        String text = message == null || message.isBlank() ? code : message;
        int status = e.statusCode();
        return switch (code) {
            case "throttlingexception" -> ProviderError.rateLimited(provider, retryAfter(e));
            // An account quota, not a per-minute rate: another target (region, provider) may still have room.
            case "servicequotaexceededexception" -> ProviderError.quotaExceeded(provider, statusOr(status, 400));
            case "modelnotreadyexception", "serviceunavailableexception" ->
                    ProviderError.overloaded(provider, statusOr(status, 503));
            case "internalserverexception", "modelerrorexception", "modelstreamerrorexception" ->
                    ProviderError.serverError(provider, statusOr(status, 500));
            case "modeltimeoutexception" -> ProviderError.timeout(provider, statusOr(status, 408), null);
            case "accessdeniedexception", "unrecognizedclientexception", "invalidsignatureexception",
                 "expiredtokenexception", "incompletesignatureexception", "missingauthenticationtokenexception" ->
                    ProviderError.authFailed(provider, statusOr(status, 403));
            case "resourcenotfoundexception" -> ProviderError.upstreamNotFound(provider, text);
            case "validationexception", "conflictexception" -> validation(provider, statusOr(status, 400), text);
            default -> byStatus(provider, e, status, text);
        };
    }

    private ProviderError byStatus(String provider, AwsServiceException e, int status, String text) {
        if (status == 429) {
            return ProviderError.rateLimited(provider, retryAfter(e));
        }
        if (status == 401 || status == 403) {
            return ProviderError.authFailed(provider, status);
        }
        if (status == 404) {
            return ProviderError.upstreamNotFound(provider, text);
        }
        if (status == 408) {
            return ProviderError.timeout(provider, status, null);
        }
        if (status == 503) {
            return ProviderError.overloaded(provider, status);
        }
        if (status >= 500 || status == 0) {
            return ProviderError.serverError(provider, status);
        }
        return validation(provider, status, text);
    }

    private static ProviderError validation(String provider, int status, String text) {
        return CONTEXT_LENGTH.matcher(text).find()
                ? ProviderError.contextLengthExceeded(provider, status, text)
                : ProviderError.badRequest(provider, status, text, null);
    }

    private Duration retryAfter(AwsServiceException e) {
        if (e.awsErrorDetails() == null || e.awsErrorDetails().sdkHttpResponse() == null) {
            return null;
        }
        Map<String, List<String>> headers = e.awsErrorDetails().sdkHttpResponse().headers();
        return RetryAfter.from(HttpHeaders.of(headers, (name, value) -> true), clock);
    }

    private static int statusOr(int status, int fallback) {
        return status > 0 ? status : fallback;
    }

    static Throwable unwrap(Throwable error) {
        Throwable current = error;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    private static boolean isTimeout(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ApiCallTimeoutException || t instanceof ApiCallAttemptTimeoutException
                    || t instanceof SocketTimeoutException || t instanceof TimeoutException
                    || t.getClass().getSimpleName().contains("Timeout")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
