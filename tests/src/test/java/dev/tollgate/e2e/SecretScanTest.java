package dev.tollgate.e2e;

import dev.tollgate.auth.GatewayKeys;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.core.Gateway;
import dev.tollgate.core.GatewayFactory;
import dev.tollgate.fakes.FakeOpenAiServer;
import dev.tollgate.log.RequestLog;
import dev.tollgate.router.LocalServer;
import dev.tollgate.secrets.CredentialResolver;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The secret scan: representative flows (OpenAI endpoint whole and streamed, Anthropic endpoint, an upstream 401
 * that quotes the provider key back, an upstream 500, a wrong gateway key, bad input) run with known provider and
 * gateway keys; every log line, error body and response header is then scanned: zero occurrences of either key,
 * and no log line carries the prompt or the completion text (they are not logged by default).
 */
class SecretScanTest {

    private static final String PROVIDER_KEY = "sk-scan-provider-9f8e7d6c5b4a39281706";
    private static final String GATEWAY_KEY = "tg-scan-gateway-1a2b3c4d5e6f7a8b9c0d";
    private static final String PROMPT = "the-prompt-text-zebra-quartz";
    private static final String COMPLETION = "the-completion-text-walrus-opal";

    @Test
    void noKeyPromptOrCompletionLeaksIntoLogsBodiesOrHeaders() throws Exception {
        List<String> logs = Collections.synchronizedList(new ArrayList<>());
        List<String> seen = new ArrayList<>();
        try (FakeOpenAiServer upstream = FakeOpenAiServer.start()) {
            upstream.defaultReply(FakeOpenAiServer.Reply.text(COMPLETION));
            GatewayConfig config = ConfigLoader.validate(ConfigLoader.readRaw("""
                    models:
                      - name: scanned
                        policy: {retries: 0, cooldown_ms: 0}
                        targets: [{provider: openai, model: gpt-4o-mini, base_url: "%s", credential: "env:SCAN_KEY"}]
                    keys:
                      - {id: scan, sha256: %s}
                    """.formatted(upstream.baseUrl(), GatewayKeys.sha256(GATEWAY_KEY)), "test"), "test");
            Gateway gateway = new Gateway(config, GatewayFactory.providers(Clock.systemUTC()),
                    new CredentialResolver(Map.of("SCAN_KEY", PROVIDER_KEY), null, null), new RequestLog(logs::add));
            try (LocalServer server = new LocalServer(gateway, "127.0.0.1", 0).start()) {
                String base = "http://127.0.0.1:" + server.port();
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                String chat = "{\"model\":\"scanned\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]";
                String auth = "Bearer " + GATEWAY_KEY;

                HttpResponse<String> whole = send(http, base + "/v1/chat/completions", auth, chat + "}", seen);
                assertEquals(200, whole.statusCode(), whole.body());
                assertTrue(whole.body().contains(COMPLETION), "the flow really ran");
                assertEquals("Bearer " + PROVIDER_KEY, upstream.lastRequest().header("Authorization"));
                assertEquals(200, send(http, base + "/v1/chat/completions", auth,
                        chat + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}", seen).statusCode());
                HttpResponse<String> messages = send(http, base + "/v1/messages", null, "{\"model\":\"scanned\","
                        + "\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}", seen);
                assertEquals(200, messages.statusCode(), messages.body());

                // The upstream refuses the key and quotes it back, as some providers do.
                upstream.enqueue(FakeOpenAiServer.Reply.error(401, "invalid_request_error", "invalid_api_key",
                        "Incorrect API key provided: " + PROVIDER_KEY + ". You can find your API key at ..."));
                HttpResponse<String> refused = send(http, base + "/v1/chat/completions", auth, chat + "}", seen);
                assertTrue(refused.statusCode() >= 400, refused.body());
                upstream.enqueue(FakeOpenAiServer.Reply.rawError(500, "{\"error\":{\"message\":\"boom " + PROVIDER_KEY
                        + "\"}}"));
                assertTrue(send(http, base + "/v1/chat/completions", auth, chat + "}", seen).statusCode() >= 500);
                assertEquals(401, send(http, base + "/v1/chat/completions", "Bearer " + GATEWAY_KEY + "x",
                        chat + "}", seen).statusCode());
                assertEquals(400, send(http, base + "/v1/chat/completions", auth,
                        "{\"model\":\"scanned\",\"messages\":[{\"role\":\"wizard\",\"content\":\"" + PROMPT + "\"}]}",
                        seen).statusCode());
            }
        }
        assertTrue(logs.size() >= 7, "every request was logged: " + logs.size());
        for (String text : seen) {
            assertScanClean(text, "a response");
        }
        for (String line : logs) {
            assertScanClean(line, "a log line");
            assertTrue(!line.contains(PROMPT), "the prompt in a log line: " + line);
            assertTrue(!line.contains(COMPLETION), "the completion in a log line: " + line);
        }
    }

    private static void assertScanClean(String text, String where) {
        assertTrue(!text.contains(PROVIDER_KEY) && !text.contains(PROVIDER_KEY.substring(0, 20)),
                "the provider key in " + where + ": " + text);
        assertTrue(!text.contains(GATEWAY_KEY) && !text.contains(GATEWAY_KEY.substring(0, 20)),
                "the gateway key in " + where + ": " + text);
    }

    private static HttpResponse<String> send(HttpClient http, String url, String authorization, String body,
                                             List<String> seen) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("content-type", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        } else {
            request.header("x-api-key", GATEWAY_KEY).header("anthropic-version", "2023-06-01");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        seen.add(response.body());
        response.headers().map().forEach((name, values) -> seen.add(name + ": " + String.join(",", values)));
        return response;
    }
}
