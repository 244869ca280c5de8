package dev.tollgate.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.config.Target;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.ChatCall;
import dev.tollgate.providers.ChunkStream;
import dev.tollgate.secrets.CredentialRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import dev.tollgate.http.Http1Client;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the OpenAI adapter sends upstream, and that the client's request stays as sent for the next attempt. */
class OpenAiAdapterBodyTest {

    private static final String COMPLETION = "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}";
    private static final String STREAM = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}\n\n"
            + "data: [DONE]\n\n";

    private final AtomicReference<byte[]> received = new AtomicReference<>();
    private HttpServer upstream;
    private OpenAiAdapter adapter;
    private Target target;

    @BeforeEach
    void start() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/v1/chat/completions", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.set(body);
            boolean stream = JsonCodec.parse(body).path("stream").asBoolean(false);
            byte[] answer = (stream ? STREAM : COMPLETION).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", stream ? "text/event-stream" : "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        upstream.start();
        adapter = new OpenAiAdapter(new Http1Client(), Clock.systemUTC());
        target = new Target("openai", "upstream-model",
                URI.create("http://127.0.0.1:" + upstream.getAddress().getPort() + "/v1"), new CredentialRef.None(),
                Duration.ofSeconds(10), JsonCodec.object());
    }

    @AfterEach
    void stop() {
        upstream.stop(0);
    }

    private static ObjectNode clientRequest() throws IOException {
        return (ObjectNode) JsonCodec.parse(("{\"model\":\"public-name\",\"stream_options\":{\"include_usage\":false},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],\"temperature\":0.2}")
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aStreamAsksUpstreamForUsageAndLeavesTheClientsRequestAsSent() throws IOException {
        ObjectNode request = clientRequest();
        String before = request.toString();
        try (ChunkStream chunks = adapter.openStream(new ChatCall(request, target, Optional.empty(), false))) {
            while (chunks.next() != null) {
                // drain
            }
        }
        JsonNode sent = JsonCodec.parse(received.get());
        assertEquals("upstream-model", sent.path("model").asText());
        assertTrue(sent.path("stream").asBoolean());
        assertTrue(sent.path("stream_options").path("include_usage").asBoolean());
        assertEquals(request.get("messages"), sent.get("messages"));
        assertEquals(before, request.toString(), "the client's request is unchanged for a later attempt");
    }

    @Test
    void aWholeAnswerDropsStreamOptionsAndLeavesTheClientsRequestAsSent() throws IOException {
        ObjectNode request = clientRequest();
        String before = request.toString();
        var result = adapter.complete(new ChatCall(request, target, Optional.empty(), false));
        JsonNode sent = JsonCodec.parse(received.get());
        assertEquals("upstream-model", sent.path("model").asText());
        assertFalse(sent.has("stream_options"));
        assertEquals("0.2", sent.path("temperature").decimalValue().toPlainString());
        assertEquals(4, result.usage().totalTokens());
        assertEquals(before, request.toString(), "the client's request is unchanged for a later attempt");
    }
}
