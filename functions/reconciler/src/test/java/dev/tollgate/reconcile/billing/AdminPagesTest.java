package dev.tollgate.reconcile.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.secrets.Credential;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin-list paginator against a loopback server that answers scripted pages. */
class AdminPagesTest {

    private static final Credential KEY = new Credential("sk-admin-secret");

    private record Reply(int status, String body, String retryAfter) {
    }

    private final Deque<Reply> script = new ArrayDeque<>();
    private final List<String> queries = new ArrayList<>();
    private final List<String> keysSeen = new ArrayList<>();
    private final List<Duration> waits = new ArrayList<>();
    private HttpServer server;
    private AdminPages pages;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/list", this::answer);
        server.start();
        pages = new AdminPages(HttpClient.newHttpClient(), "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/",
                KEY, Clock.systemUTC(), waits::add);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        queries.add(exchange.getRequestURI().getRawQuery());
        keysSeen.add(exchange.getRequestHeaders().getFirst("x-key"));
        Reply reply = script.isEmpty() ? new Reply(500, "{\"error\":\"unscripted\"}", null) : script.poll();
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        if (reply.retryAfter() != null) {
            exchange.getResponseHeaders().add("Retry-After", reply.retryAfter());
        }
        exchange.sendResponseHeaders(reply.status(), body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private List<JsonNode> read() throws BillingException {
        return pages.all("/list", List.of(Map.entry("limit", "2"), Map.entry("group_by[]", "model")),
                Map.of("x-key", KEY.reveal()));
    }

    @Test
    void followsNextPageWhileHasMoreAndRepeatsTheQueryOnEveryPage() throws BillingException {
        script.add(new Reply(200, "{\"data\":[{\"n\":1},{\"n\":2}],\"has_more\":true,\"next_page\":\"p2\"}", null));
        script.add(new Reply(200, "{\"data\":[{\"n\":3}],\"has_more\":true,\"next_page\":\"p 3\"}", null));
        script.add(new Reply(200, "{\"data\":[{\"n\":4}],\"has_more\":false,\"next_page\":\"ignored\"}", null));

        List<JsonNode> items = read();

        assertEquals(List.of(1, 2, 3, 4), items.stream().map(item -> item.path("n").asInt()).toList());
        assertEquals(List.of("limit=2&group_by%5B%5D=model", "limit=2&group_by%5B%5D=model&page=p2",
                "limit=2&group_by%5B%5D=model&page=p+3"), queries);
        assertEquals(List.of("sk-admin-secret", "sk-admin-secret", "sk-admin-secret"), keysSeen);
    }

    @Test
    void aPageWithoutHasMoreIsTheLast() throws BillingException {
        script.add(new Reply(200, "{\"data\":[],\"next_page\":\"p2\"}", null));

        assertTrue(read().isEmpty());
        assertEquals(1, queries.size());
    }

    @Test
    void aRateLimitedPageIsRetriedAfterItsRetryAfterAndPagingGoesOn() throws BillingException {
        script.add(new Reply(200, "{\"data\":[{\"n\":1}],\"has_more\":true,\"next_page\":\"p2\"}", null));
        script.add(new Reply(429, "{\"error\":\"slow down\"}", "2"));
        script.add(new Reply(200, "{\"data\":[{\"n\":2}],\"has_more\":false}", null));

        assertEquals(2, read().size());
        assertEquals(List.of(Duration.ofSeconds(2)), waits);
        assertEquals("limit=2&group_by%5B%5D=model&page=p2", queries.get(2));
    }

    @Test
    void aPageThatKeepsFailingEndsTheReadWithTheKeyRedacted() {
        script.add(new Reply(200, "{\"data\":[{\"n\":1}],\"has_more\":true,\"next_page\":\"p2\"}", null));
        for (int i = 0; i < AdminHttp.MAX_ATTEMPTS; i++) {
            script.add(new Reply(503, "{\"error\":\"down for key sk-admin-secret\"}", null));
        }

        BillingException error = assertThrows(BillingException.class, this::read);

        assertEquals(503, error.status());
        assertFalse(error.getMessage().contains("sk-admin-secret"), error.getMessage());
        assertEquals(1 + AdminHttp.MAX_ATTEMPTS, queries.size());
    }
}
