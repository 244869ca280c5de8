package dev.tollgate.metrics;

import dev.tollgate.api.RequestContext;
import dev.tollgate.config.DemoConfig;
import dev.tollgate.core.Gateway;
import dev.tollgate.core.GatewayFactory;
import dev.tollgate.core.GatewayRequest;
import dev.tollgate.core.GatewayResponse;
import dev.tollgate.log.RequestLog;
import dev.tollgate.secrets.CredentialResolver;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Every request the core finishes is counted exactly once, whatever path it ended on. */
class RequestMetricsTest {

    private final List<RequestOutcome> outcomes = new ArrayList<>();
    private final RequestLog log = new RequestLog(line -> { }, outcomes::add);
    private final Gateway gateway = new Gateway(DemoConfig.load(Map.of()).config(),
            GatewayFactory.providers(Clock.systemUTC()), new CredentialResolver(Map.of(), null, null), log);

    private static GatewayRequest chat(String model, boolean stream) {
        return new GatewayRequest("POST", "/v1/chat/completions", Map.of("Authorization", "Bearer tg-demo-key"),
                ("{\"model\":\"" + model + "\",\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"two words\"}]}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aWholeCompletionIsCountedOnceWithRouteProviderAndTokens() {
        assertEquals(200, gateway.handle(chat("demo-fast", false)).status());
        assertEquals(1, outcomes.size());
        RequestOutcome outcome = outcomes.getFirst();
        assertEquals("demo", outcome.route(), "the route's name, not the alias the client sent");
        assertEquals("mock", outcome.provider());
        assertEquals(200, outcome.status());
        assertEquals(1, outcome.attempts());
        // The mock answers "This is Tollgate's mock provider. You said: two words": nine words, nine tokens.
        assertEquals(9, outcome.usage().completionTokens());
    }

    @Test
    void aStreamIsCountedWhenItEndsNotWhenItStarts() throws IOException {
        GatewayResponse response = gateway.handle(chat("demo", true));
        assertEquals(0, outcomes.size(), "nothing is known about a stream until it ends");
        ((GatewayResponse.Streamed) response).body().writeTo(new ByteArrayOutputStream());
        assertEquals(1, outcomes.size());
        assertEquals(9, outcomes.getFirst().usage().completionTokens(), "usage from the stream's end");
    }

    @Test
    void refusalsAreCountedWithoutARoute() {
        gateway.handle(new GatewayRequest("GET", "/v1/models", Map.of("Authorization", "Bearer nope"), new byte[0]));
        gateway.handle(chat("no-such-model", false));
        assertEquals(List.of(401, 404), outcomes.stream().map(RequestOutcome::status).toList());
        assertNull(outcomes.get(1).route());
    }

    @Test
    void finishingTwiceCountsOnceAndAPriceSetBeforeFinishingIsCounted() {
        RequestContext context = new RequestContext("r1",
                new dev.tollgate.core.GatewayRequest("POST", "/v1/chat/completions", java.util.Map.of(), null),
                "/v1/chat/completions", log);
        context.priced(new BigDecimal("0.0125"));
        context.finished(200, null, "ok");
        context.finished(200, null, "ok");
        assertEquals(1, outcomes.size());
        assertEquals(new BigDecimal("0.0125"), outcomes.getFirst().costUsd());
        assertEquals("0.0125", context.summary().get("cost_usd").decimalValue().toPlainString());
    }
}
