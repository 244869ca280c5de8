package dev.tollgate.errors;

/** A request the gateway refuses before or without asking a provider. */
public final class ClientError extends GatewayException {

    private ClientError(int status, String type, String code, String param, String message) {
        super(status, type, code, param, message, null);
    }

    public static ClientError invalidJson() {
        return new ClientError(400, "invalid_request_error", "invalid_json",
                null, "The request body is not valid JSON.");
    }

    public static ClientError invalidRequest(String param, String message) {
        return new ClientError(400, "invalid_request_error", "invalid_value", param, message);
    }

    public static ClientError missingParam(String param) {
        return new ClientError(400, "invalid_request_error", "missing_required_parameter", param,
                "Missing required parameter: '" + param + "'.");
    }

    public static ClientError missingApiKey() {
        return new ClientError(401, "invalid_request_error", "missing_api_key", null,
                "You didn't provide an API key. Send it as 'Authorization: Bearer <gateway key>' "
                        + "or 'x-api-key: <gateway key>'.");
    }

    public static ClientError invalidApiKey() {
        return new ClientError(401, "invalid_request_error", "invalid_api_key", null,
                "Incorrect gateway key provided.");
    }

    public static ClientError modelNotFound(String model) {
        return new ClientError(404, "invalid_request_error", "model_not_found", "model",
                "The model '" + model + "' does not exist or you do not have access to it.");
    }

    public static ClientError unknownPath(String method, String path) {
        return new ClientError(404, "invalid_request_error", "unknown_url", null,
                "Unknown request URL: " + method + " " + path + ".");
    }

    public static ClientError methodNotAllowed(String method, String path) {
        return new ClientError(405, "invalid_request_error", "method_not_allowed", null,
                "Method " + method + " is not allowed on " + path + ".");
    }

    public static ClientError unsupportedMediaType() {
        return new ClientError(415, "invalid_request_error", "unsupported_media_type", null,
                "Send the request body as application/json.");
    }

    public static ClientError payloadTooLarge(long limit) {
        return new ClientError(413, "invalid_request_error", "payload_too_large", null,
                "The request body exceeds " + limit + " bytes.");
    }

    /** A fault of the gateway itself; the detail goes to the log, never to the client. */
    public static ClientError internal() {
        return new ClientError(500, "server_error", "internal_error", null,
                "The gateway failed to process the request. It has been logged.");
    }
}
