package dev.tollgate.routing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.ModelRoute;
import dev.tollgate.config.Target;
import dev.tollgate.errors.ClientError;
import dev.tollgate.errors.GatewayException;
import dev.tollgate.errors.ProviderError;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.log.RequestLog;
import dev.tollgate.providers.ChatResult;
import dev.tollgate.providers.ProviderRegistry;
import dev.tollgate.secrets.CredentialRef;
import dev.tollgate.secrets.CredentialResolver;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The attempt loop against scripted provider faults: which attempts happen, in what order, and what the client gets. */
class FallbackExecutorTest {

    private final ManualClock clock = new ManualClock();
    private final ScriptedAdapter upstream = new ScriptedAdapter();
    private final InMemoryCooldownStore cooldowns = new InMemoryCooldownStore();
    private final TargetHealth health = new TargetHealth(cooldowns, new LatencyTracker(), clock);
    private final List<String> events = new ArrayList<>();
    private final FallbackExecutor executor = new FallbackExecutor(new ProviderRegistry(List.of(upstream)),
            new CredentialResolver(Map.of("K1", "key-one", "K2", "key-two"), null, null), health, clock,
            new SplittableRandom(7), clock, new RequestLog(line -> { }));
    private final ObjectNode request = (ObjectNode) JsonCodec.object().put("model", "m");

    private static Target target(String model, long contextWindow, String... credentials) {
        List<CredentialRef> refs = credentials.length == 0 ? List.of(new CredentialRef.None())
                : java.util.Arrays.stream(credentials).map(c -> (CredentialRef) new CredentialRef.Env(c)).toList();
        return new Target(null, "scripted", model, URI.create("http://upstream.test"), refs, Duration.ofSeconds(30),
                JsonCodec.object(), contextWindow, null);
    }

    private static ModelRoute route(AttemptPolicy policy, Target... targets) {
        return new ModelRoute("r", List.of(), new RouteNode.Fallback(
                java.util.Arrays.stream(targets).<RouteNode>map(RouteNode.Leaf::new).toList()), policy);
    }

    private static AttemptPolicy policy(int retries) {
        return new AttemptPolicy(retries, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5),
                Duration.ofSeconds(60), Duration.ofMillis(500), false, 3, Duration.ofSeconds(30), false,
                Duration.ofSeconds(60));
    }

    private FallbackExecutor.Answer<ChatResult> run(ModelRoute route) {
        return run(route, null);
    }

    private FallbackExecutor.Answer<ChatResult> run(ModelRoute route, Instant deadline) {
        return executor.execute(route, route.targets(), request, false, deadline, new AttemptListener() {
            @Override
            public void attempted(Target target) {
                events.add("attempt " + target.model());
            }

            @Override
            public void failed(Target target, ProviderError error) {
                events.add("failed " + target.model() + " " + error.code());
            }

            @Override
            public void skipped(Target target, String reason) {
                events.add("skipped " + target.model() + " " + reason);
            }
        }, (adapter, call) -> adapter.complete(call));
    }

    @Test
    void serverErrorIsRetriedOnTheSameTargetThenFallsBack() {
        upstream.fail("a", () -> ProviderError.serverError("p", 500)).fail("a", () -> ProviderError.serverError("p", 503));
        FallbackExecutor.Answer<ChatResult> answer = run(route(policy(1), target("a", 0), target("b", 0)));
        assertEquals("b", answer.target().model());
        assertEquals(List.of("a", "a", "b"), upstream.calls);
        assertEquals(1, clock.sleeps.size(), "one jittered backoff before the retry");
        assertTrue(clock.sleeps.getFirst().toMillis() <= 100, "first backoff is at most the base: " + clock.sleeps);
    }

    @Test
    void rateLimitHonoursRetryAfterBeforeRetrying() {
        upstream.fail("a", () -> ProviderError.rateLimited("p", Duration.ofSeconds(2)));
        FallbackExecutor.Answer<ChatResult> answer = run(route(policy(1), target("a", 0), target("b", 0)));
        assertEquals("a", answer.target().model(), "the retry on the same target succeeded");
        assertEquals(List.of(Duration.ofSeconds(2)), clock.sleeps);
    }

    @Test
    void aRetryHintLongerThanTheCapMovesOnAndCoolsTheTargetDown() {
        upstream.fail("a", () -> ProviderError.rateLimited("p", Duration.ofSeconds(20)));
        FallbackExecutor.Answer<ChatResult> answer = run(route(policy(1), target("a", 0), target("b", 0)));
        assertEquals("b", answer.target().model());
        assertEquals(List.of(), clock.sleeps, "no 20 s sleep: the cap is 5 s");
        assertEquals(Optional.of(clock.now.plusSeconds(20)), cooldowns.cooledUntil("scripted/a@upstream.test", clock.now));

        upstream.calls.clear();
        run(route(policy(1), target("a", 0), target("b", 0)));
        assertEquals(List.of("b"), upstream.calls, "the cooled target is skipped by the next request");
    }

    @Test
    void aWaitThatWouldOverrunTheDeadlineMovesOnInstead() {
        upstream.fail("a", () -> ProviderError.rateLimited("p", Duration.ofSeconds(3)));
        FallbackExecutor.Answer<ChatResult> answer = run(route(policy(1), target("a", 0), target("b", 0)),
                clock.now.plusSeconds(2));
        assertEquals("b", answer.target().model());
        assertEquals(List.of(), clock.sleeps);
    }

    @Test
    void rateLimitedCredentialRotatesToTheNextKeyOfThePool() {
        upstream.fail("a", () -> ProviderError.rateLimited("p", Duration.ofSeconds(1)));
        FallbackExecutor.Answer<ChatResult> answer = run(route(policy(0), target("a", 0, "K1", "K2"), target("b", 0)));
        assertEquals("a", answer.target().model());
        assertEquals(2, upstream.calls.size());
        assertTrue(!upstream.calls.get(0).equals(upstream.calls.get(1)), "the second call used the other key: " + upstream.calls);
        assertEquals(List.of(), clock.sleeps, "rotation does not wait");
    }

    @Test
    void overloadedAndQuotaAndAuthFailuresMoveOnWithoutRetrying() {
        upstream.fail("a", () -> ProviderError.overloaded("p", 529))
                .fail("b", () -> ProviderError.quotaExceeded("p", 429))
                .fail("c", () -> ProviderError.authFailed("p", 401));
        FallbackExecutor.Answer<ChatResult> answer = run(route(policy(2),
                target("a", 0), target("b", 0), target("c", 0), target("d", 0)));
        assertEquals("d", answer.target().model());
        assertEquals(List.of("a", "b", "c", "d"), upstream.calls);
        assertTrue(cooldowns.cooledUntil("scripted/a@upstream.test", clock.now).isPresent(), "529 cools the target");
    }

    @Test
    void badRequestFailsAtOnce() {
        upstream.fail("a", () -> ProviderError.badRequest("p", 400, "bad temperature", null));
        ProviderError error = assertThrows(ProviderError.class, () -> run(route(policy(2), target("a", 0), target("b", 0))));
        assertEquals(400, error.status());
        assertEquals(List.of("a"), upstream.calls);
    }

    @Test
    void contentFilterStopsUnlessTheRouteAllowsAContentPolicyFallback() {
        upstream.fail("a", () -> ProviderError.contentFiltered("p", 400, "refused"));
        assertThrows(ProviderError.class, () -> run(route(policy(0), target("a", 0), target("b", 0))));

        upstream.fail("a", () -> ProviderError.contentFiltered("p", 400, "refused"));
        AttemptPolicy lenient = new AttemptPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(60),
                Duration.ZERO, true, 3, Duration.ofSeconds(30), false, Duration.ofSeconds(60));
        assertEquals("b", run(route(lenient, target("a", 0), target("b", 0))).target().model());
    }

    @Test
    void contextLengthErrorFallsBackOnlyToALargerContextTarget() {
        upstream.fail("small", () -> ProviderError.contextLengthExceeded("p", 400, "too long"));
        FallbackExecutor.Answer<ChatResult> answer = run(route(policy(0),
                target("small", 8_000), target("same", 8_000), target("large", 128_000)));
        assertEquals("large", answer.target().model());
        assertEquals(List.of("small", "large"), upstream.calls);
        assertTrue(events.contains("skipped same context_window"), events.toString());
    }

    @Test
    void whenEveryTargetIsCoolingTheRouteFailsFastWith503AndRetryAfter() {
        cooldowns.coolDown("scripted/a@upstream.test", clock.now.plusSeconds(12), "test");
        cooldowns.coolDown("scripted/b@upstream.test", clock.now.plusSeconds(40), "test");
        ProviderError error = assertThrows(ProviderError.class, () -> run(route(policy(0), target("a", 0), target("b", 0))));
        assertEquals(503, error.status());
        assertEquals("all_targets_cooling_down", error.code());
        assertEquals(Optional.of(Duration.ofSeconds(12)), error.retryAfter());
        assertEquals(List.of(), upstream.calls);
    }

    @Test
    void waitForCooldownWaitsForTheFirstTargetWithinTheDeadline() {
        cooldowns.coolDown("scripted/a@upstream.test", clock.now.plusSeconds(3), "test");
        AttemptPolicy waiting = new AttemptPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(60),
                Duration.ofMillis(500), false, 3, Duration.ofSeconds(30), true, Duration.ofSeconds(60));
        assertEquals("a", run(route(waiting, target("a", 0))).target().model());
        assertEquals(List.of(Duration.ofSeconds(3)), clock.sleeps);
    }

    @Test
    void repeatedFailuresCoolATargetDown() {
        for (int i = 0; i < 3; i++) {
            upstream.fail("a", () -> ProviderError.serverError("p", 500));
        }
        for (int i = 0; i < 3; i++) {
            run(route(policy(0), target("a", 0), target("b", 0)));
        }
        assertTrue(cooldowns.cooledUntil("scripted/a@upstream.test", clock.now).isPresent());
        upstream.calls.clear();
        run(route(policy(0), target("a", 0), target("b", 0)));
        assertEquals(List.of("b"), upstream.calls);
    }

    @Test
    void noAttemptStartsWhenTheDeadlineLeavesTooLittleTime() {
        GatewayException error = assertThrows(ProviderError.class,
                () -> run(route(policy(0), target("a", 0)), clock.now.plusMillis(200)));
        assertEquals(504, error.status());
        assertEquals("deadline_exceeded", error.code());
        assertEquals(List.of(), upstream.calls);
    }

    @Test
    void anAttemptsTimeoutIsCutToWhatRemainsOfTheDeadline() {
        List<Duration> timeouts = new ArrayList<>();
        ModelRoute route = route(policy(0), target("a", 0));
        executor.execute(route, route.targets(), request, false, clock.now.plusSeconds(4), new AttemptListener() {
            public void attempted(Target t) { }
            public void failed(Target t, ProviderError e) { }
            public void skipped(Target t, String r) { }
        }, (adapter, call) -> {
            timeouts.add(call.target().timeout());
            return adapter.complete(call);
        });
        assertEquals(List.of(Duration.ofSeconds(4)), timeouts);
    }

    @Test
    void aRouteCanOverrideWhatAnErrorCodeDoes() {
        upstream.fail("a", () -> ProviderError.upstreamNotFound("p", "gone"));
        AttemptPolicy strict = new AttemptPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(60),
                Duration.ZERO, false, 3, Duration.ofSeconds(30), false, Duration.ofSeconds(60),
                Map.of("upstream_not_found", AttemptPolicy.Action.FAIL));
        ProviderError error = assertThrows(ProviderError.class, () -> run(route(strict, target("a", 0), target("b", 0))));
        assertEquals("upstream_not_found", error.code());
        assertEquals(List.of("a"), upstream.calls, "404 would normally fall back; this route fails at once");
    }

    @Test
    void anEmptyPlanIsAClientErrorNamingTheRoute() {
        ModelRoute route = route(policy(0), target("a", 0));
        ClientError error = assertThrows(ClientError.class, () -> executor.execute(route, List.of(), request, false,
                null, null, (adapter, call) -> adapter.complete(call)));
        assertEquals(400, error.status());
        assertEquals("no_target_available", error.code());
    }
}
