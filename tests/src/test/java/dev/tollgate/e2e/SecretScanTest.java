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
import dev.tollgate.router.LambdaHandler;
import dev.tollgate.router.LocalServer;
import dev.tollgate.secrets.CredentialResolver;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * gateway keys, through the local server and through the Lambda handler (API Gateway proxy events from events/ in,
 * proxy responses out, whatever it prints captured), and on a route that logs payloads; every log line, error body
 * and response header is then scanned: zero occurrences of either key, and no log line of a route that did not opt
 * in carries the prompt or the completion text (they are not logged by default).
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
                        targets: [{provider: openai, model: gpt-4o-mini, base_url: "%1$s", credential: "env:SCAN_KEY"}]
                      - name: scanned-logged
                        log_payloads: true
                        policy: {retries: 0, cooldown_ms: 0}
                        targets: [{provider: openai, model: gpt-4o-mini, base_url: "%1$s", credential: "env:SCAN_KEY"}]
                    keys:
                      - {id: scan, sha256: %2$s}
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

                // A route that logs payloads: the prompt and completion go into its lines, the keys still not.
                String logged = chat.replace("\"scanned\"", "\"scanned-logged\"");
                assertEquals(200, send(http, base + "/v1/chat/completions", auth, logged + "}", seen).statusCode());
                assertEquals(200, send(http, base + "/v1/chat/completions", auth, logged + ",\"stream\":true}", seen)
                        .statusCode());
                upstream.enqueue(FakeOpenAiServer.Reply.error(401, "invalid_request_error", "invalid_api_key",
                        "Incorrect API key provided: " + PROVIDER_KEY));
                assertTrue(send(http, base + "/v1/chat/completions", auth, logged + "}", seen).statusCode() >= 400);
            }
            lambdaFlows(gateway, upstream, seen);
        }
        assertTrue(logs.size() >= 17, "every request was logged: " + logs.size());
        List<String> optedIn = logs.stream().filter(l -> l.contains("\"route\":\"scanned-logged\"")).toList();
        assertEquals(3, optedIn.size(), "the opted-in route's lines: " + optedIn);
        assertTrue(optedIn.getFirst().contains(PROMPT) && optedIn.getFirst().contains(COMPLETION),
                "the opted-in route logs its payloads: " + optedIn.getFirst());
        for (String text : seen) {
            assertScanClean(text, "a response");
        }
        for (String line : logs) {
            assertScanClean(line, "a log line");
            if (!optedIn.contains(line)) {
                assertTrue(!line.contains(PROMPT), "the prompt in a log line: " + line);
                assertTrue(!line.contains(COMPLETION), "the completion in a log line: " + line);
            }
        }
    }

    /**
     * The buffered Lambda door: the sample API Gateway events with the known keys and prompt put in, each through
     * {@link LambdaHandler}; the proxy responses (body and headers) go to {@code seen}, and so does anything the
     * handler printed to stdout or stderr meanwhile (inside Lambda both go to CloudWatch Logs).
     */
    private static void lambdaFlows(Gateway gateway, FakeOpenAiServer upstream, List<String> seen) throws Exception {
        LambdaHandler handler = new LambdaHandler(gateway);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            JsonNode whole = invoke(handler, event("chat-completion.json", GATEWAY_KEY), seen);
            assertEquals(200, whole.path("statusCode").asInt(), whole.toString());
            assertTrue(whole.path("body").asText().contains(COMPLETION), "the Lambda flow really ran");
            assertEquals("Bearer " + PROVIDER_KEY, upstream.lastRequest().header("Authorization"));
            JsonNode streamed = invoke(handler, event("chat-completion-stream.json", GATEWAY_KEY), seen);
            assertEquals(200, streamed.path("statusCode").asInt(), streamed.toString());
            assertEquals(200, invoke(handler, event("messages.json", GATEWAY_KEY), seen).path("statusCode").asInt());
            upstream.enqueue(FakeOpenAiServer.Reply.error(401, "invalid_request_error", "invalid_api_key",
                    "Incorrect API key provided: " + PROVIDER_KEY + ". You can find your API key at ..."));
            assertTrue(invoke(handler, event("chat-completion.json", GATEWAY_KEY), seen).path("statusCode").asInt()
                    >= 400);
            upstream.enqueue(FakeOpenAiServer.Reply.rawError(500, "{\"error\":{\"message\":\"boom " + PROVIDER_KEY
                    + "\"}}"));
            assertTrue(invoke(handler, event("chat-completion.json", GATEWAY_KEY), seen).path("statusCode").asInt()
                    >= 500);
            assertEquals(401, invoke(handler, event("chat-completion.json", GATEWAY_KEY + "x"), seen)
                    .path("statusCode").asInt());
            assertEquals(401, invoke(handler, event("messages.json", GATEWAY_KEY + "x"), seen)
                    .path("statusCode").asInt());
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        seen.add(printed.toString(StandardCharsets.UTF_8));
    }

    /** A sample event from events/, its gateway key, model and prompt replaced by this scan's. */
    private static String event(String file, String gatewayKey) throws Exception {
        Path path = Path.of(System.getProperty("tollgate.repo.root", ".."), "events", file);
        String text = Files.readString(path);
        assertTrue(text.contains("tg-demo-key") && text.contains("Hello from the Lambda event"), file);
        return text.replace("tg-demo-key", gatewayKey).replace("\\\"model\\\":\\\"demo\\\"",
                "\\\"model\\\":\\\"scanned\\\"").replace("Hello from the Lambda event", PROMPT);
    }

    private static JsonNode invoke(LambdaHandler handler, String event, List<String> seen) throws Exception {
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), response, null);
        String text = response.toString(StandardCharsets.UTF_8);
        seen.add(text);
        return JsonCodec.parse(response.toByteArray());
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
