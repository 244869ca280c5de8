package dev.tollgate.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.fakes.FakeOpenAiServer;
import dev.tollgate.fakes.FakeOpenAiServer.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The routing engine against a fake OpenAI upstream, fault by fault: for each, the sequence of upstream attempts
 * (primary "p", secondary "s") and the status the client finally gets. Every case has its own pair of upstream
 * models, so scripted replies and cooldowns never leak between cases.
 */
class RoutingFaultMatrixTest {

    private static final String KEY = "tg-fault-matrix";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static FakeOpenAiServer upstream;
    private static TestGateway gateway;
    private static HttpClient http;

    /** One fault: what the primary answers (in order), whether the client streams, what must happen. */
    record Case(String name, List<Reply> primary, List<Reply> secondary, boolean stream, List<String> attempts,
                int status, String finalCode) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        String inTwoSeconds = ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(2)
                .format(DateTimeFormatter.RFC_1123_DATE_TIME);
        Reply ok = Reply.text("fine");
        return Stream.of(
                new Case("429 retry-after seconds: waits, retries the same target", List.of(Reply.rateLimited(1), ok),
                        List.of(), false, List.of("p", "p"), 200, null),
                new Case("429 retry-after-ms: waits, retries", List.of(Reply.error(429, "requests", "rate_limit_exceeded",
                        "slow down").header("retry-after-ms", "150"), ok), List.of(), false, List.of("p", "p"), 200, null),
                new Case("429 retry-after HTTP-date: waits, retries", List.of(Reply.error(429, "requests",
                        "rate_limit_exceeded", "slow down").header("retry-after", inTwoSeconds), ok), List.of(), false,
                        List.of("p", "p"), 200, null),
                new Case("429 retry-after beyond the cap: falls back at once", List.of(Reply.rateLimited(30)),
                        List.of(), false, List.of("p", "s"), 200, null),
                new Case("429 insufficient_quota: falls back without retrying", List.of(Reply.error(429,
                        "insufficient_quota", "insufficient_quota", "You exceeded your current quota")),
                        List.of(), false, List.of("p", "s"), 200, null),
                new Case("500 twice: one retry, then fallback", List.of(Reply.serverError(), Reply.serverError()),
                        List.of(), false, List.of("p", "p", "s"), 200, null),
                new Case("502 then success: the retry answers", List.of(Reply.rawError(502, "<html>bad gateway</html>"),
                        ok), List.of(), false, List.of("p", "p"), 200, null),
                new Case("503 twice: one retry, then fallback", List.of(Reply.error(503, "server_error", null,
                        "unavailable"), Reply.error(503, "server_error", null, "unavailable")), List.of(), false,
                        List.of("p", "p", "s"), 200, null),
                new Case("529 overloaded: falls back without retrying", List.of(Reply.error(529, "overloaded_error",
                        null, "Overloaded")), List.of(), false, List.of("p", "s"), 200, null),
                new Case("timeout before headers, twice: retry, then fallback", List.of(ok.delay(Duration.ofMillis(1500)),
                        ok.delay(Duration.ofMillis(1500))), List.of(), false, List.of("p", "p", "s"), 200, null),
                new Case("401 auth failure of the credential: falls back", List.of(Reply.error(401,
                        "invalid_request_error", "invalid_api_key", "Incorrect API key provided")), List.of(), false,
                        List.of("p", "s"), 200, null),
                new Case("404 model gone upstream: falls back", List.of(Reply.error(404, "invalid_request_error",
                        "model_not_found", "The model does not exist")), List.of(), false, List.of("p", "s"), 200, null),
                new Case("context length exceeded: falls back to the larger-context target", List.of(Reply.error(400,
                        "invalid_request_error", "context_length_exceeded", "maximum context length is 8192 tokens")),
                        List.of(), false, List.of("p", "s"), 200, null),
                new Case("content filter: fails at once", List.of(Reply.error(400, "invalid_request_error",
                        "content_filter", "The response was filtered")), List.of(), false, List.of("p"), 400,
                        "content_filter"),
                new Case("400 bad request: fails at once", List.of(Reply.error(400, "invalid_request_error", null,
                        "Invalid value for 'temperature'")), List.of(), false, List.of("p"), 400, "upstream_bad_request"),
                new Case("every target failing: the last error, after every attempt", List.of(Reply.serverError(),
                        Reply.serverError()), List.of(Reply.serverError(), Reply.serverError()), false,
                        List.of("p", "p", "s", "s"), 502, "upstream_server_error"),
                new Case("stream: 500 before the first byte still falls back", List.of(Reply.serverError(),
                        Reply.serverError()), List.of(), true, List.of("p", "p", "s"), 200, null),
                new Case("stream: stall mid-way ends with an error event, no fallback", List.of(Reply.text("a", "b", "c")
                        .chunkDelay(Duration.ofSeconds(2))), List.of(), true, List.of("p"), 200, "upstream_timeout"),
                new Case("stream: connection cut mid-way ends with an error event", List.of(Reply.text("a", "b", "c")
                        .chunkDelay(Duration.ofMillis(50)).breakAfterChunks(2)), List.of(), true, List.of("p"), 200,
                        "upstream_stream_broken"));
    }

    @BeforeAll
    static void start() {
        upstream = FakeOpenAiServer.start();
        StringBuilder yaml = new StringBuilder("models:\n");
        List<Case> all = cases().toList();
        for (int i = 0; i < all.size(); i++) {
            yaml.append("""
                      - name: case-%1$d
                        policy: {retries: 1, backoff_ms: 10, max_retry_wait_ms: 3000, stream_idle_timeout_ms: 400}
                        targets:
                          - {provider: openai, model: p-%1$d, base_url: %2$s, credential: env:K, timeout_ms: 700, context_window: 8192}
                          - {provider: openai, model: s-%1$d, base_url: %2$s, credential: env:K, timeout_ms: 700, context_window: 128000}
                    """.formatted(i, upstream.baseUrl()));
        }
        yaml.append(TestGateway.keyEntry("matrix", KEY));
        gateway = new TestGateway(yaml.toString(), Map.of("K", "sk-matrix"));
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void faultLeadsToTheExpectedAttemptsAndStatus(Case c) throws IOException, InterruptedException {
        int index = cases().map(Case::name).toList().indexOf(c.name());
        c.primary().forEach(r -> upstream.enqueueFor("p-" + index, r));
        c.secondary().forEach(r -> upstream.enqueueFor("s-" + index, r));
        String body = "{\"model\":\"case-" + index + "\",\"stream\":" + c.stream()
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());

        List<String> attempts = new ArrayList<>();
        for (FakeOpenAiServer.RecordedRequest request : upstream.requests()) {
            String model = request.json().path("model").asText();
            if (model.equals("p-" + index) || model.equals("s-" + index)) {
                attempts.add(model.substring(0, 1));
            }
        }
        assertEquals(c.attempts(), attempts, "upstream attempts");
        assertEquals(c.status(), response.statusCode(), response.body());
        assertEquals(Integer.toString(c.attempts().size()),
                response.headers().firstValue("x-tollgate-attempts").orElse(null), "attempts header");
        assertEquals("case-" + index, response.headers().firstValue("x-tollgate-route").orElse(null));
        if (c.stream() && c.status() == 200) {
            String text = response.body();
            if (c.finalCode() == null) {
                assertTrue(text.endsWith("data: [DONE]\n\n"), text);
            } else {
                assertTrue(!text.contains("[DONE]"), "a broken stream must not look complete: " + text);
                String last = text.strip().substring(text.strip().lastIndexOf("data: ") + 6);
                assertEquals(c.finalCode(), JSON.readTree(last).at("/error/code").asText(), text);
            }
        } else if (c.finalCode() != null) {
            JsonNode error = JSON.readTree(response.body()).get("error");
            assertEquals(c.finalCode(), error.get("code").asText());
        }
    }
}
