package dev.tollgate.api.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.errors.ClientError;
import dev.tollgate.errors.GatewayException;
import dev.tollgate.errors.ProviderError;
import dev.tollgate.json.JsonCodec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Gateway failures in the Anthropic error shape, with the type Anthropic documents for each status. */
class AnthropicErrorsTest {

    private static JsonNode render(GatewayException error) throws IOException {
        return JsonCodec.parse(AnthropicErrors.FORMAT.render(error, "req-1"));
    }

    @Test
    void errorBodyHasAnthropicsShape() throws IOException {
        JsonNode body = render(ClientError.invalidApiKey());
        assertEquals("error", body.get("type").asText());
        assertEquals("authentication_error", body.at("/error/type").asText());
        assertEquals("Incorrect gateway key provided.", body.at("/error/message").asText());
        assertEquals("req-1", body.get("request_id").asText());
        assertEquals(3, body.size());
    }

    @Test
    void eachStatusGetsItsAnthropicType() throws IOException {
        assertEquals("invalid_request_error", render(ClientError.missingParam("max_tokens")).at("/error/type").asText());
        assertEquals("authentication_error", render(ClientError.missingApiKey()).at("/error/type").asText());
        assertEquals("not_found_error", render(ClientError.modelNotFound("nope")).at("/error/type").asText());
        assertEquals("invalid_request_error", render(ClientError.methodNotAllowed("GET", "/v1/messages")).at("/error/type").asText());
        assertEquals("request_too_large", render(ClientError.payloadTooLarge(10)).at("/error/type").asText());
        assertEquals("rate_limit_error", render(ProviderError.rateLimited("openai", Duration.ofSeconds(2))).at("/error/type").asText());
        assertEquals("api_error", render(ProviderError.serverError("openai", 500)).at("/error/type").asText());
        assertEquals("api_error", render(ProviderError.timeout("openai", null)).at("/error/type").asText());
        assertEquals("overloaded_error", render(ProviderError.overloaded("openai", 529)).at("/error/type").asText());
        assertEquals("api_error", render(ClientError.internal()).at("/error/type").asText());
        assertEquals("invalid_request_error",
                render(ProviderError.contextLengthExceeded("openai", 400, "too long")).at("/error/type").asText());
    }
}
