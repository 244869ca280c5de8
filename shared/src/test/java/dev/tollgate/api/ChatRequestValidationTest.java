package dev.tollgate.api;

import dev.tollgate.errors.ClientError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ChatRequestValidationTest {

    private static ClientError reject(String body) {
        return assertThrows(ClientError.class, () -> ChatCompletions.parse(body.getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{bad                                                   | 400 | invalid_json               | ",
            "[1,2]                                                  | 400 | invalid_value              | ",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]} | 400 | missing_required_parameter | model",
            "{\"model\":7,\"messages\":[{\"role\":\"user\"}]}       | 400 | invalid_value              | model",
            "{\"model\":\"m\"}                                      | 400 | missing_required_parameter | messages",
            "{\"model\":\"m\",\"messages\":[]}                      | 400 | invalid_value              | messages",
            "{\"model\":\"m\",\"messages\":[{\"content\":\"x\"}]}   | 400 | invalid_value              | messages[0]",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}],\"stream\":\"yes\"} | 400 | invalid_value | stream",
    })
    void malformedRequestsAreRejectedWithTheParamAtFault(String body, int status, String code, String param) {
        ClientError e = reject(body);
        assertEquals(status, e.status());
        assertEquals(code, e.code());
        assertEquals(param, e.param());
        assertEquals("invalid_request_error", e.type());
    }

    @Test
    void unknownFieldsPassThroughUntouched() {
        var body = ChatCompletions.parse("""
                {"model":"m","messages":[{"role":"user","content":"x"}],"temperature":0.2,"seed":7,
                 "response_format":{"type":"json_object"}}""".getBytes(StandardCharsets.UTF_8));
        assertEquals(0.2, body.get("temperature").asDouble());
        assertEquals("json_object", body.path("response_format").path("type").asText());
    }
}
