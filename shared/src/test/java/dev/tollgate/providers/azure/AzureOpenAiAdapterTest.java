package dev.tollgate.providers.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.config.Target;
import dev.tollgate.errors.ProviderError;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.ChatCall;
import dev.tollgate.providers.ChatResult;
import dev.tollgate.providers.ChunkStream;
import dev.tollgate.providers.Fixtures;
import dev.tollgate.secrets.Credential;
import dev.tollgate.secrets.CredentialRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import dev.tollgate.http.Http1Client;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The adapter on the wire: URL form, api-key header, body, and Azure's answers passed through unchanged. */
class AzureOpenAiAdapterTest {

    private record Seen(String uri, Map<String, List<String>> headers, JsonNode body) {
        String header(String name) {
            List<String> values = headers.get(name.substring(0, 1).toUpperCase() + name.substring(1));
            return values == null ? null : values.getFirst();
        }
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile byte[] reply = Fixtures.bytes("azure/chat-completion.json");
    private volatile Map<String, String> replyHeaders = Map.of("Content-Type", "application/json");
    private HttpServer server;
    private final AzureOpenAiAdapter adapter = new AzureOpenAiAdapter(new Http1Client(),
            Clock.systemUTC());
    private final Credential key = new Credential("azure-key-0123456789");

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                seen.add(new Seen(exchange.getRequestURI().toString(), Map.copyOf(exchange.getRequestHeaders()),
                        JsonCodec.parse(exchange.getRequestBody().readAllBytes())));
                replyHeaders.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
                exchange.sendResponseHeaders(status, reply.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(reply);
                }
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private ChatCall call(String options, boolean clientWantsUsage) {
        Target target = new Target("azure", "gpt-4o-prod", URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                new CredentialRef.Env("AZURE_KEY"), Duration.ofSeconds(5), Fixtures.object(options));
        return new ChatCall(Fixtures.object("{\"model\":\"public-name\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                target, Optional.of(key), clientWantsUsage);
    }

    @Test
    void classicCallsGoToTheDeploymentWithTheKeyInApiKeyAndTheAnswerPassesThrough() {
        ChatResult result = adapter.complete(call("{}", false));
        Seen request = seen.getFirst();
        assertEquals("/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21", request.uri());
        assertEquals("azure-key-0123456789", request.header("api-key"));
        assertNull(request.header("authorization"), "the key never goes in Authorization");
        assertEquals("gpt-4o-prod", request.body().get("model").asText());
        assertArrayEquals(Fixtures.bytes("azure/chat-completion.json"), result.body());
        assertEquals(1280, result.usage().cachedTokens());
    }

    @Test
    void v1CallsCarryTheModelInTheBody() {
        adapter.complete(call("{\"api\":\"v1\"}", false));
        Seen request = seen.getFirst();
        assertEquals("/openai/v1/chat/completions", request.uri());
        assertEquals("gpt-4o-prod", request.body().get("model").asText());
    }

    @Test
    void aContentFilterFinishInAWholeAnswerPassesThroughAsContentFilter() throws IOException {
        reply = Fixtures.bytes("azure/chat-completion-content-filter.json");
        JsonNode body = JsonCodec.parse(adapter.complete(call("{}", false)).body());
        assertEquals("content_filter", body.at("/choices/0/finish_reason").asText());
        assertTrue(body.at("/choices/0/content_filter_results/violence/filtered").asBoolean());
    }

    @Test
    void streamsAskForUsageAndPassAzuresChunksThrough() throws IOException {
        reply = Fixtures.bytes("azure/stream.sse");
        replyHeaders = Map.of("Content-Type", "text/event-stream");
        try (ChunkStream stream = adapter.openStream(call("{}", false))) {
            int chunks = 0;
            while (stream.next() != null) {
                chunks++;
            }
            assertEquals(4, chunks, "role, two pieces, finish: no prompt-filter chunk, no unasked usage chunk");
            assertEquals(1542, stream.usage().promptTokens());
        }
        JsonNode body = seen.getFirst().body();
        assertTrue(body.get("stream").asBoolean());
        assertTrue(body.at("/stream_options/include_usage").asBoolean());
    }

    @Test
    void aPromptRefusedByTheContentFilterIsAContentFilterError() {
        status = 400;
        reply = Fixtures.bytes("azure/errors/400-content-filter.json");
        ProviderError error = assertThrows(ProviderError.class, () -> adapter.complete(call("{}", false)));
        assertEquals(400, error.status());
        assertEquals("content_filter", error.code());
    }

    @Test
    void aRateLimitCarriesAzuresMillisecondHint() {
        status = 429;
        reply = Fixtures.bytes("azure/errors/429-rate-limit.json");
        replyHeaders = Map.of("Content-Type", "application/json", "retry-after-ms", "6000", "retry-after", "6");
        ProviderError error = assertThrows(ProviderError.class, () -> adapter.openStream(call("{}", true)));
        assertEquals("rate_limit_exceeded", error.code());
        assertEquals(Optional.of(Duration.ofMillis(6000)), error.retryAfter());
        assertFalse(error.getMessage().contains("azure-key-0123456789"));
    }
}
