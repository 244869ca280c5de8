package dev.tollgate.core;

import dev.tollgate.config.ConfigException;
import dev.tollgate.config.DemoConfig;
import dev.tollgate.log.RequestLog;
import dev.tollgate.metrics.EmfMetrics;
import dev.tollgate.metrics.Metrics;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the process environment picks the routing config, and that a Lambda never falls back to the demo. */
class GatewayFactoryTest {

    private final List<String> lines = new ArrayList<>();
    private final RequestLog log = new RequestLog(lines::add);

    @Test
    void theUpstreamClientIsTheOwnByDefaultAndTheJdksOnRequest() {
        assertTrue(GatewayFactory.upstreamClient(Map.of()) instanceof dev.tollgate.http.Http1Client);
        assertTrue(GatewayFactory.upstreamClient(Map.of("TOLLGATE_UPSTREAM_HTTP", "jdk"))
                instanceof dev.tollgate.http.JdkUpstreamClient);
        assertThrows(ConfigException.class, () -> GatewayFactory.upstreamClient(Map.of("TOLLGATE_UPSTREAM_HTTP", "x")));
    }

    @Test
    void insideLambdaWithoutAConfigTheFactoryRefusesToStartAndSaysWhy() {
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayFactory.fromEnvironment(
                Map.of("AWS_LAMBDA_FUNCTION_NAME", "tollgate-router"), log));
        assertTrue(e.getMessage().contains("TOLLGATE_CONFIG: required when running in AWS Lambda"), e.getMessage());
        assertTrue(e.getMessage().contains("TOLLGATE_ALLOW_DEMO=1"), e.getMessage());
    }

    @Test
    void insideLambdaTheDemoRunsOnlyWhenExplicitlyAllowed() {
        GatewayFactory.Setup setup = GatewayFactory.fromEnvironment(
                Map.of("AWS_LAMBDA_FUNCTION_NAME", "tollgate-router", "TOLLGATE_ALLOW_DEMO", "1"), log);
        assertEquals(DemoConfig.DEFAULT_KEY, setup.demoKey());
        assertThrows(ConfigException.class, () -> GatewayFactory.fromEnvironment(
                Map.of("AWS_LAMBDA_FUNCTION_NAME", "tollgate-router", "TOLLGATE_ALLOW_DEMO", "true"), log),
                "only the exact value 1 opts in");
    }

    @Test
    void outsideLambdaTheDemoIsTheDefaultForLocalDevelopment() {
        GatewayFactory.Setup setup = GatewayFactory.fromEnvironment(Map.of(), log);
        assertEquals(DemoConfig.DEFAULT_KEY, setup.demoKey());
        assertTrue(setup.config().publicNames().contains("demo"));
    }

    @Test
    void aClasspathConfigShippedInThePackageIsLoadedAndServed() {
        GatewayFactory.Setup setup = GatewayFactory.fromEnvironment(Map.of(
                "AWS_LAMBDA_FUNCTION_NAME", "tollgate-router",
                "TOLLGATE_CONFIG", "classpath:packaged/tollgate-test.yaml"), log);
        assertNull(setup.demoKey(), "no demo key when a real config is used");
        assertEquals(List.of("packaged"), setup.config().publicNames());
        GatewayResponse response = setup.gateway().handle(new GatewayRequest("GET", "/v1/models",
                Map.of("Authorization", "Bearer foo"), new byte[0]));
        assertEquals(200, response.status(), "the packaged key (sha256 of 'foo') authenticates");
    }

    @Test
    void aMissingClasspathConfigIsAConfigErrorNamingTheLocation() {
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayFactory.fromEnvironment(
                Map.of("TOLLGATE_CONFIG", "classpath:nope.yaml"), log));
        assertTrue(e.getMessage().contains("classpath:nope.yaml"), e.getMessage());
        assertTrue(e.getMessage().contains("no such resource"), e.getMessage());
    }

    @Test
    void metricsAreEmfInsideLambdaAndOffLocallyUnlessAsked() {
        Clock clock = Clock.systemUTC();
        assertEquals(Metrics.NONE, GatewayFactory.metrics(Map.of(), clock));
        assertEquals(EmfMetrics.class, GatewayFactory.metrics(Map.of("AWS_LAMBDA_FUNCTION_NAME", "f"), clock).getClass());
        assertEquals(EmfMetrics.class, GatewayFactory.metrics(Map.of("TOLLGATE_METRICS", "emf"), clock).getClass());
        assertEquals(Metrics.NONE, GatewayFactory.metrics(
                Map.of("AWS_LAMBDA_FUNCTION_NAME", "f", "TOLLGATE_METRICS", "off"), clock));
        ConfigException e = assertThrows(ConfigException.class,
                () -> GatewayFactory.metrics(Map.of("TOLLGATE_METRICS", "statsd"), clock));
        assertTrue(e.getMessage().contains("TOLLGATE_METRICS"), e.getMessage());
    }

    @Test
    void primingProbesTheKeysTableElseTheStateTableElseNothing() {
        assertNull(GatewayFactory.fromEnvironment(Map.of(), log).tableProbe(), "no tables, no DynamoDB call");
        assertEquals("tg-keys", GatewayFactory.fromEnvironment(Map.of("TOLLGATE_KEYS_TABLE", "tg-keys",
                "TOLLGATE_STATE_TABLE", "tg-state", "TOLLGATE_BUDGETS_TABLE", "tg-budgets"), log).tableProbe().table());
        assertEquals("tg-state", GatewayFactory.fromEnvironment(Map.of("TOLLGATE_STATE_TABLE", "tg-state",
                "TOLLGATE_BUDGETS_TABLE", "tg-budgets"), log).tableProbe().table());
        assertNull(GatewayFactory.fromEnvironment(Map.of("TOLLGATE_BUDGETS_TABLE", "tg-budgets",
                "TOLLGATE_STATE_TABLE", " "), log).tableProbe(), "the budgets table has a sort key: not probed");
    }
}
