package dev.tollgate.config;

import dev.tollgate.secrets.CredentialRef;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {

    private static final String HASH = "a".repeat(64);

    private static GatewayConfig load(String yaml) {
        return ConfigLoader.validate(ConfigLoader.readRaw(yaml, "test"), "test");
    }

    private static ConfigException problems(String yaml) {
        return assertThrows(ConfigException.class, () -> load(yaml));
    }

    @Test
    void validConfigResolvesNamesAndAliasesToTheirTargets() {
        GatewayConfig config = load("""
                models:
                  - name: gpt-4o-mini
                    aliases: [fast, cheap]
                    targets:
                      - provider: openai
                        model: gpt-4o-mini-2024-07-18
                        credential: secret:#openai
                        timeout_ms: 5000
                      - provider: openai
                        model: llama-3.1-8b
                        base_url: http://127.0.0.1:11434/v1/
                        credential: none
                keys:
                  - id: team-a
                    sha256: %s
                """.formatted(HASH));
        ModelRoute route = config.route("fast").orElseThrow();
        assertEquals("gpt-4o-mini", route.name());
        assertEquals(config.route("cheap").orElseThrow(), route);
        Target first = route.targets().get(0);
        assertEquals("https://api.openai.com/v1", first.baseUrl().toString(), "openai defaults to the public API");
        assertEquals(new CredentialRef.Secret("", "openai"), first.credential());
        assertEquals(Duration.ofMillis(5000), first.timeout());
        Target second = route.targets().get(1);
        assertEquals("http://127.0.0.1:11434/v1", second.baseUrl().toString(), "a trailing slash is dropped");
        assertEquals(new CredentialRef.None(), second.credential());
        assertEquals(java.util.List.of("gpt-4o-mini", "fast", "cheap"), config.publicNames());
        assertEquals("team-a", config.keys().get(0).id());
    }

    @Test
    void unknownProviderIsNamedByItsPath() {
        ConfigException e = problems("""
                models:
                  - name: a
                    targets:
                      - provider: mock
                        model: m
                  - name: b
                    targets:
                      - provider: mock
                        model: m
                      - provider: opena
                        model: gpt
                """);
        assertEquals(1, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).startsWith("models[1].targets[1].provider: unknown provider 'opena'"),
                e.getMessage());
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ConfigException e = problems("""
                models:
                  - aliases: [x]
                    targets: []
                  - name: b
                    targets:
                      - provider: openai
                        model: gpt
                        base_url: ftp://example.com
                        timeout_ms: -1
                        colour: blue
                keys:
                  - id: k
                    sha256: not-a-hash
                """);
        String all = String.join("\n", e.problems());
        assertTrue(all.contains("models[0].name: required"), all);
        assertTrue(all.contains("models[0].targets: required"), all);
        assertTrue(all.contains("models[1].targets[0].base_url: expected an http(s) URL"), all);
        assertTrue(all.contains("models[1].targets[0].credential: required for provider 'openai'"), all);
        assertTrue(all.contains("models[1].targets[0].timeout_ms: expected a whole number >= 1"), all);
        assertTrue(all.contains("models[1].targets[0].colour: unknown field"), all);
        assertTrue(all.contains("keys[0].sha256: expected 64 lowercase hex characters"), all);
        assertTrue(e.getMessage().startsWith("Invalid Tollgate config (test)"), e.getMessage());
    }

    @Test
    void payloadLoggingIsOffUnlessARouteOptsIn() {
        GatewayConfig config = load("""
                models:
                  - name: quiet
                    targets: [{provider: mock, model: m}]
                  - name: logged
                    log_payloads: true
                    targets: [{provider: mock, model: m}]
                """);
        assertEquals(false, config.route("quiet").orElseThrow().logPayloads());
        assertEquals(true, config.route("logged").orElseThrow().logPayloads());
        ConfigException e = problems("""
                models:
                  - name: a
                    log_payloads: "yes"
                    targets: [{provider: mock, model: m}]
                """);
        assertEquals(java.util.List.of("models[0].log_payloads: expected true or false"), e.problems());
    }

    @Test
    void aNameUsedTwiceIsRejected() {
        ConfigException e = problems("""
                models:
                  - name: a
                    targets: [{provider: mock, model: m}]
                  - name: b
                    aliases: [a]
                    targets: [{provider: mock, model: m}]
                """);
        assertEquals(java.util.List.of("models[1]: the name or alias 'a' is already used"), e.problems());
    }

    @Test
    void credentialSyntaxErrorsExplainTheForms() {
        ConfigException e = problems("""
                models:
                  - name: a
                    targets: [{provider: openai, model: m, credential: "vault:x"}]
                """);
        assertTrue(e.problems().get(0).startsWith("models[0].targets[0].credential: expected 'env:VARIABLE'"),
                e.getMessage());
    }

    @Test
    void mockOptionsAreChecked() {
        ConfigException e = problems("""
                models:
                  - name: a
                    targets:
                      - provider: mock
                        model: m
                        options: {failure_rate: 2, latency_ms: -5, speed: 3}
                """);
        String all = String.join("\n", e.problems());
        assertTrue(all.contains("models[0].targets[0].options.failure_rate: expected a number from 0 to 1"), all);
        assertTrue(all.contains("models[0].targets[0].options.latency_ms: expected a whole number >= 0"), all);
        assertTrue(all.contains("models[0].targets[0].options.speed: unknown mock option"), all);
    }

    @Test
    void routeTreesAndPoliciesAreValidatedWithPaths() {
        ConfigException e = problems("""
                models:
                  - name: a
                    policy: {retries: -1, on_error: {content_filter: shrug}}
                    route:
                      fallback:
                        - weighted:
                            - {weight: 0, provider: mock, model: m}
                        - {ref: missing}
                        - {when: [{if: {colour: red}, then: {provider: mock, model: m}}]}
                  - name: b
                    route: {ref: c}
                  - name: c
                    route: {ref: b}
                """);
        String all = String.join("\n", e.problems());
        assertTrue(all.contains("models[0].policy.retries: expected a whole number >= 0"), all);
        assertTrue(all.contains("models[0].policy.on_error.content_filter: expected retry, fallback or fail"), all);
        assertTrue(all.contains("models[0].route.fallback[0].weighted[0].weight: expected a whole number >= 1"), all);
        assertTrue(all.contains("models[0].route.fallback[1].ref: no model named 'missing'"), all);
        assertTrue(all.contains("models[0].route.fallback[2].when[0].if.colour: unknown field"), all);
        assertTrue(all.contains("routes refer to each other in a cycle: b -> c -> b"), all);
    }

    @Test
    void textThatIsNotYamlFailsWithTheRootPath() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.readRaw("models: [", "f.yaml"));
        assertTrue(e.problems().get(0).startsWith("(root): not valid YAML or JSON"), e.getMessage());
    }

    @Test
    void demoConfigAcceptsTheDemoKeyAndAddsOpenAiOnlyWithAKey() {
        DemoConfig plain = DemoConfig.load(Map.of());
        assertEquals(DemoConfig.DEFAULT_KEY, plain.demoKey());
        assertTrue(plain.config().route("gpt-4o-mini").isEmpty());
        assertEquals(dev.tollgate.auth.GatewayKeys.sha256("tg-demo-key"), plain.config().keys().get(0).sha256());

        DemoConfig withOpenAi = DemoConfig.load(Map.of("OPENAI_API_KEY", "sk-x", "TOLLGATE_DEMO_KEY", "my-key"));
        assertEquals("my-key", withOpenAi.demoKey());
        Target target = withOpenAi.config().route("gpt-4o-mini").orElseThrow().targets().get(0);
        assertEquals("openai", target.provider());
        assertEquals(new CredentialRef.Env("OPENAI_API_KEY"), target.credential());
    }

    @Test
    void aBedrockTargetNeedsNeitherUrlNorCredentialAndKeepsItsRegion() {
        GatewayConfig config = load("""
                models:
                  - name: claude
                    targets:
                      - {provider: bedrock, model: "anthropic.claude-3-5-haiku-20241022-v1:0", options: {region: eu-central-1}}
                      - {provider: bedrock, model: "amazon.nova-lite-v1:0", credential: "secret:#bedrock"}
                keys: []
                """);
        Target first = config.route("claude").orElseThrow().targets().get(0);
        assertEquals(null, first.baseUrl(), "the SDK derives the regional endpoint");
        assertEquals(new CredentialRef.None(), first.credential(), "SigV4 from the function's role");
        assertEquals("eu-central-1", first.options().get("region").asText());
        assertEquals(new CredentialRef.Secret("", "bedrock"),
                config.route("claude").orElseThrow().targets().get(1).credential());
    }

    @Test
    void badBedrockOptionsAreNamedByPath() {
        ConfigException e = problems("""
                models:
                  - name: claude
                    targets:
                      - {provider: bedrock, model: m, options: {region: "US East", profile: x}}
                keys: []
                """);
        String text = String.join("\n", e.problems());
        assertTrue(text.contains("models[0].targets[0].options.region: expected an AWS region code"), text);
        assertTrue(text.contains("models[0].targets[0].options.profile: unknown bedrock option"), text);
    }

    @Test
    void classpathLocationsReadAResourceFromThePackageWithOrWithoutALeadingSlash() {
        assertEquals(java.util.List.of("packaged"),
                ConfigLoader.load("classpath:packaged/tollgate-test.yaml").publicNames());
        assertEquals(java.util.List.of("packaged"),
                ConfigLoader.load("classpath:/packaged/tollgate-test.yaml").publicNames());
    }

    @Test
    void aPlainLocationIsStillAFilePath() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load("/no/such/tollgate.yaml"));
        assertTrue(e.getMessage().contains("/no/such/tollgate.yaml"), e.getMessage());
    }
}
