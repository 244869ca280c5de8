package dev.tollgate.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.auth.GatewayKeys;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.core.Gateway;
import dev.tollgate.core.GatewayFactory;
import dev.tollgate.fakes.FakeOpenAiServer;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.log.RequestLog;
import dev.tollgate.router.LocalServer;
import dev.tollgate.secrets.CredentialResolver;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code log_payloads}: a route that opts in adds the request's messages and the completion text (assembled from the
 * deltas when streamed, on both endpoints) to each request's log line; a route that does not, the default, logs
 * neither; and no key or Authorization value reaches the log either way.
 */
class PayloadLoggingTest {

    private static final String PROVIDER_KEY = "sk-payload-provider-0a1b2c3d4e5f6a7b8c9d";
    private static final String GATEWAY_KEY = "tg-payload-gateway-9z8y7x6w5v4u3t2s1r0q";
    private static final String PROMPT = "prompt-marker-heron-basalt";

    @Test
    void onlyTheOptedInRouteLogsMessagesAndCompletionsAndNoSecretEver() throws Exception {
        List<String> logs = Collections.synchronizedList(new ArrayList<>());
        try (FakeOpenAiServer upstream = FakeOpenAiServer.start()) {
            upstream.defaultReply(FakeOpenAiServer.Reply.text("complet", "ion-marker-", "lynx"));
            GatewayConfig config = ConfigLoader.validate(ConfigLoader.readRaw("""
                    models:
                      - name: quiet
                        targets: [{provider: openai, model: gpt-4o-mini, base_url: "%1$s", credential: "env:K"}]
                      - name: logged
                        log_payloads: true
                        targets: [{provider: openai, model: gpt-4o-mini, base_url: "%1$s", credential: "env:K"}]
                    keys:
                      - {id: payloads, sha256: %2$s}
                    """.formatted(upstream.baseUrl(), GatewayKeys.sha256(GATEWAY_KEY)), "test"), "test");
            Gateway gateway = new Gateway(config, GatewayFactory.providers(Clock.systemUTC()),
                    new CredentialResolver(Map.of("K", PROVIDER_KEY), null, null), new RequestLog(logs::add));
            try (LocalServer server = new LocalServer(gateway, "127.0.0.1", 0).start()) {
                String base = "http://127.0.0.1:" + server.port();
                for (String route : List.of("quiet", "logged")) {
                    for (boolean stream : List.of(false, true)) {
                        assertEquals(200, post(base + "/v1/chat/completions", "{\"model\":\"" + route + "\",\"stream\":"
                                + stream + ",\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
                                + "{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}").statusCode());
                        assertEquals(200, post(base + "/v1/messages", "{\"model\":\"" + route + "\",\"max_tokens\":20,"
                                + "\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT
                                + "\"}]}").statusCode());
                    }
                }
            }
        }

        List<JsonNode> quiet = requestLines(logs, "quiet");
        List<JsonNode> logged = requestLines(logs, "logged");
        assertEquals(4, quiet.size(), logs.toString());
        assertEquals(4, logged.size(), logs.toString());
        for (JsonNode line : quiet) {
            assertFalse(line.toString().contains(PROMPT), "the prompt logged by default: " + line);
            assertFalse(line.toString().contains("ion-marker-"), "the completion logged by default: " + line);
            assertFalse(line.has("request_messages") || line.has("completion"), line.toString());
        }
        for (JsonNode line : logged) {
            JsonNode messages = line.path("request_messages");
            assertEquals(PROMPT, messages.path(messages.size() - 1).path("content").asText(), line.toString());
            assertEquals("completion-marker-lynx", line.path("completion").asText(),
                    "the whole text, assembled from the deltas when streamed: " + line);
        }
        assertTrue(logged.stream().anyMatch(l -> l.path("stream").asBoolean()), "streams were logged too");
        assertEquals("be brief", logged.get(0).path("request_messages").path(0).path("content").asText());
        for (String line : logs) {
            assertFalse(line.contains(PROVIDER_KEY.substring(0, 20)), "the provider key in a log line: " + line);
            assertFalse(line.contains(GATEWAY_KEY.substring(0, 20)), "the gateway key in a log line: " + line);
            assertFalse(line.toLowerCase(java.util.Locale.ROOT).contains("bearer"), "an Authorization value: " + line);
        }
    }

    private static List<JsonNode> requestLines(List<String> logs, String route) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        synchronized (logs) {
            for (String line : logs) {
                JsonNode event = JsonCodec.parse(line.getBytes(StandardCharsets.UTF_8));
                if ("request".equals(event.path("message").asText()) && route.equals(event.path("route").asText())) {
                    lines.add(event);
                }
            }
        }
        return lines;
    }

    private static HttpResponse<String> post(String url, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json").header("Authorization", "Bearer " + GATEWAY_KEY)
                .header("anthropic-version", "2023-06-01").build();
        // A stream's log line is written before its body ends, so reading the body whole waits for the line too.
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofString());
    }
}
