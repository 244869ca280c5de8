package dev.tollgate.router.http;

import dev.tollgate.core.GatewayResponse;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** Records each request and answers with a function of it; a refused body gets a fixed 413. */
final class TestHandler implements HttpHandler {

    final List<HttpRequest> requests = new CopyOnWriteArrayList<>();
    private final Function<HttpRequest, GatewayResponse> answer;

    TestHandler(Function<HttpRequest, GatewayResponse> answer) {
        this.answer = answer;
    }

    /** Answers 200 text/plain with the request body echoed back. */
    static TestHandler echo() {
        return new TestHandler(r -> new GatewayResponse.Buffered(200, Map.of("Content-Type", "text/plain"), r.body()));
    }

    static GatewayResponse text(int status, String body) {
        return new GatewayResponse.Buffered(status, Map.of("Content-Type", "text/plain"),
                body.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public GatewayResponse handle(HttpRequest request) {
        requests.add(request);
        return answer.apply(request);
    }

    @Override
    public GatewayResponse bodyTooLarge(String method, String rawPath, int limitBytes) {
        return new GatewayResponse.Buffered(413, Map.of("Content-Type", "application/json"),
                ("{\"error\":{\"code\":\"payload_too_large\",\"limit\":" + limitBytes + "}}")
                        .getBytes(StandardCharsets.UTF_8));
    }
}
