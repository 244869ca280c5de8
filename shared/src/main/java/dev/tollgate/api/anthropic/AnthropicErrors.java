package dev.tollgate.api.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.errors.ErrorFormat;
import dev.tollgate.errors.GatewayException;
import dev.tollgate.json.JsonCodec;

/**
 * Renders failures as the Anthropic API does: {@code {"type":"error","error":{"type","message"},"request_id"}}.
 * The status stays the gateway's; the error type is the one Anthropic documents for that status, so the
 * Anthropic SDKs raise their usual exception classes.
 */
public final class AnthropicErrors implements ErrorFormat {

    public static final AnthropicErrors FORMAT = new AnthropicErrors();

    private AnthropicErrors() {
    }

    @Override
    public byte[] render(GatewayException error, String requestId) {
        ObjectNode root = body(error);
        if (requestId != null) {
            root.put("request_id", requestId);
        }
        return JsonCodec.bytes(root);
    }

    /** The error object alone, also the data of a mid-stream {@code event: error}. */
    static ObjectNode body(GatewayException error) {
        return body(type(error), error.getMessage());
    }

    static ObjectNode body(String type, String message) {
        ObjectNode root = JsonCodec.object();
        root.put("type", "error");
        ObjectNode inner = root.putObject("error");
        inner.put("type", type);
        inner.put("message", message);
        return root;
    }

    /** Anthropic's error type for a gateway failure, by status; an overloaded upstream keeps its own type. */
    static String type(GatewayException error) {
        if ("upstream_overloaded".equals(error.code())) {
            return "overloaded_error";
        }
        return switch (error.status()) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            default -> error.status() < 500 ? "invalid_request_error" : "api_error";
        };
    }
}
