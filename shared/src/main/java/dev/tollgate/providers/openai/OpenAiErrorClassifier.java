package dev.tollgate.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.errors.ProviderError;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.RetryAfter;
import dev.tollgate.secrets.Credential;

import java.io.IOException;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.util.Optional;

/**
 * Maps an OpenAI-compatible error response to a {@link ProviderError} with the right class and status. Azure
 * OpenAI's variant is covered too: its content filter refusal is a 400 with code {@code content_filter} and
 * {@code innererror.code} {@code ResponsibleAIPolicyViolation}, its wait hints are {@code retry-after-ms} and
 * {@code x-ms-retry-after-ms}.
 */
public final class OpenAiErrorClassifier {

    private final Clock clock;

    public OpenAiErrorClassifier(Clock clock) {
        this.clock = clock;
    }

    public ProviderError classify(String provider, int status, HttpHeaders headers, byte[] body,
                           Optional<Credential> credential) {
        JsonNode error = errorObject(body);
        String code = text(error, "code");
        String type = text(error, "type");
        String message = text(error, "message");
        String innerCode = error == null ? null : text(error.get("innererror"), "code");
        if (message != null && credential.isPresent()) {
            message = credential.get().redactFrom(message);
        }
        return switch (status) {
            case 429 -> "insufficient_quota".equals(code) || "insufficient_quota".equals(type)
                    ? ProviderError.quotaExceeded(provider, status)
                    : ProviderError.rateLimited(provider, RetryAfter.from(headers, clock));
            case 401, 403 -> ProviderError.authFailed(provider, status);
            case 402 -> ProviderError.quotaExceeded(provider, status);
            case 404 -> ProviderError.upstreamNotFound(provider, message == null ? "not found" : message);
            case 408 -> ProviderError.timeout(provider, status, null);
            case 400, 409, 413, 415, 422 -> requestError(provider, status, message, code, innerCode);
            case 529 -> ProviderError.overloaded(provider, status);
            default -> status >= 500 ? ProviderError.serverError(provider, status)
                    : ProviderError.badRequest(provider, status, message == null ? "status " + status : message, code);
        };
    }

    private static ProviderError requestError(String provider, int status, String message, String code,
                                              String innerCode) {
        String text = message == null ? "status " + status : message;
        if ("context_length_exceeded".equals(code)) {
            return ProviderError.contextLengthExceeded(provider, status, text);
        }
        if ("content_filter".equals(code) || "content_policy_violation".equals(code)
                || "ResponsibleAIPolicyViolation".equals(innerCode)) {
            return ProviderError.contentFiltered(provider, status, text);
        }
        return ProviderError.badRequest(provider, status, text, code);
    }

    private static JsonNode errorObject(byte[] body) {
        try {
            JsonNode root = JsonCodec.parse(body);
            return root == null ? null : root.get("error");
        } catch (IOException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        if (node == null) {
            return null;
        }
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

}
