package dev.tollgate.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.JsonCodec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The prompt estimate counts the characters of the messages' and tools' JSON, exactly as their text would have. */
class TokenEstimateTest {

    private static ObjectNode request(String json) throws IOException {
        return (ObjectNode) JsonCodec.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theCountedLengthIsTheLengthOfTheJsonText() throws IOException {
        for (String json : new String[] {
                "{\"messages\":[{\"role\":\"user\",\"content\":\"Say something short.\"}]}",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"naïve café – 東京 🚀 \\\"quoted\\\" \\\\ \\n tab\\t\"}]}",
                "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"x\"}],\"n\":1.50}],"
                        + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{}}}]}",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"" + "long ".repeat(3000) + "\"}]}"}) {
            ObjectNode request = request(json);
            for (JsonNode part : new JsonNode[] {request.get("messages"), request.get("tools")}) {
                if (part != null) {
                    assertEquals(part.toString().length(), TokenEstimate.jsonLength(part), json);
                }
            }
        }
    }

    @Test
    void theEstimateIsAQuarterOfTheCharactersOfMessagesAndToolsRoundedUp() throws IOException {
        ObjectNode request = request("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"tools\":[{\"type\":\"function\"}]}");
        long chars = request.get("messages").toString().length() + request.get("tools").toString().length();
        assertEquals((chars + 3) / 4, TokenEstimate.prompt(request));
        assertEquals(1, TokenEstimate.prompt(request("{\"model\":\"m\"}")));
    }
}
