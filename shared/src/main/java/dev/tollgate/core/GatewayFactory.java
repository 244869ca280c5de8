package dev.tollgate.core;

import dev.tollgate.api.ChatRouter;
import dev.tollgate.auth.CachedKeyStore;
import dev.tollgate.auth.GatewayKeys;
import dev.tollgate.auth.KeyStore;
import dev.tollgate.budget.BudgetStore;
import dev.tollgate.budget.Budgets;
import dev.tollgate.budget.InMemoryBudgetStore;
import dev.tollgate.budget.PriceBookCostModel;
import dev.tollgate.pricing.PriceBook;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.DemoConfig;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.http.Http1Client;
import dev.tollgate.http.JdkUpstreamClient;
import dev.tollgate.http.UpstreamClient;
import dev.tollgate.log.RequestLog;
import dev.tollgate.metrics.EmfMetrics;
import dev.tollgate.metrics.Metrics;
import dev.tollgate.providers.ProviderRegistry;
import dev.tollgate.providers.anthropic.AnthropicAdapter;
import dev.tollgate.providers.bedrock.BedrockAdapter;
import dev.tollgate.providers.azure.AzureOpenAiAdapter;
import dev.tollgate.providers.gemini.GeminiAdapter;
import dev.tollgate.providers.mock.MockAdapter;
import dev.tollgate.providers.openai.OpenAiAdapter;
import dev.tollgate.routing.CachedCooldownStore;
import dev.tollgate.routing.CooldownStore;
import dev.tollgate.routing.FallbackExecutor;
import dev.tollgate.routing.InMemoryCooldownStore;
import dev.tollgate.routing.LatencyTracker;
import dev.tollgate.routing.RoutePlanner;
import dev.tollgate.routing.RouteSwitch;
import dev.tollgate.routing.Sleeper;
import dev.tollgate.routing.TargetHealth;
import dev.tollgate.secrets.CredentialResolver;
import dev.tollgate.store.DynamoDbBudgetStore;
import dev.tollgate.store.DynamoDbCooldownStore;
import dev.tollgate.store.DynamoDbKeyStore;
import dev.tollgate.store.TableProbe;
import dev.tollgate.secrets.SecretsManagerSecretSource;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Wires a {@link Gateway} from the process environment, once per process (or Lambda environment).
 * <ul>
 *   <li>{@code TOLLGATE_CONFIG}: path of the routing config; without it, the embedded demo config.</li>
 *   <li>{@code TOLLGATE_PROVIDER_SECRET}: id or ARN of the default provider-keys secret.</li>
 *   <li>{@code TOLLGATE_SECRET_TTL_SECONDS}: how long fetched secrets are cached (default 300).</li>
 *   <li>{@code TOLLGATE_STATE_TABLE}: DynamoDB table for shared cooldowns; without it, in memory.</li>
 *   <li>{@code TOLLGATE_METRICS}: {@code emf} or {@code off}; default {@code emf} inside AWS Lambda (CloudWatch
 *   Embedded Metric Format lines on stdout), off elsewhere.</li>
 *   <li>{@code TOLLGATE_UPSTREAM_HTTP}: {@code jdk} sends provider requests through the JDK's HttpClient instead of
 *   the gateway's own HTTP/1.1 client (the default, {@code own}): an escape hatch, not a tuning knob.</li>
 *   <li>{@code AWS_ENDPOINT_URL}: the AWS endpoint override (an emulator, LocalStack), as the AWS SDKs define it.</li>
 * </ul>
 */
public final class GatewayFactory {

    private GatewayFactory() {
    }

    /**
     * The gateway and, when running on the demo config, the demo key to print; the secrets cache and a DynamoDB
     * probe (null without tables) for SnapStart priming.
     */
    public record Setup(Gateway gateway, GatewayConfig config, String demoKey, SecretsManagerSecretSource secrets,
                        TableProbe tableProbe) {
    }

    public static Setup fromEnvironment(Map<String, String> env, RequestLog requestLog) {
        Clock clock = Clock.systemUTC();
        RequestLog log = requestLog.withMetrics(metrics(env, clock));
        String configPath = env.get("TOLLGATE_CONFIG");
        GatewayConfig config;
        String demoKey = null;
        if (configPath == null || configPath.isBlank()) {
            requireDemoAllowed(env);
            DemoConfig demo = DemoConfig.load(env);
            config = demo.config();
            demoKey = demo.demoKey();
        } else {
            config = ConfigLoader.load(configPath.trim());
        }
        Duration ttl = Duration.ofSeconds(Long.parseLong(env.getOrDefault("TOLLGATE_SECRET_TTL_SECONDS", "300")));
        SecretsManagerSecretSource secrets = new SecretsManagerSecretSource(
                new Lazy<>(() -> secretsManager(env)), ttl, clock);
        CredentialResolver credentials = new CredentialResolver(env, secrets, env.get("TOLLGATE_PROVIDER_SECRET"));
        // One client for every table, so that priming warms the very client the request path uses.
        Lazy<DynamoDbClient> dynamo = new Lazy<>(() -> dynamoDb(env));
        Budgets budgets = budgets(env, dynamo, clock, log);
        ChatRouter router = router(config, providers(clock, upstreamClient(env)), credentials,
                cooldowns(env, dynamo, clock), budgets, clock, new SplittableRandom(), Sleeper.REAL, log);
        return new Setup(new Gateway(config, new GatewayKeys(keys(config, env, dynamo, clock), clock), router, log),
                config, demoKey, secrets, tableProbe(env, dynamo));
    }

    /** The priming read: on the keys table, else the state table (both keyed by pk alone), else none. */
    static TableProbe tableProbe(Map<String, String> env, Supplier<DynamoDbClient> dynamo) {
        for (String variable : List.of("TOLLGATE_KEYS_TABLE", "TOLLGATE_STATE_TABLE")) {
            String table = env.get(variable);
            if (table != null && !table.isBlank()) {
                return new TableProbe(dynamo, table.trim());
            }
        }
        return null;
    }

    static Metrics metrics(Map<String, String> env, Clock clock) {
        String mode = env.getOrDefault("TOLLGATE_METRICS", env.get("AWS_LAMBDA_FUNCTION_NAME") != null ? "emf" : "off");
        return switch (mode) {
            case "emf" -> EmfMetrics.stdout(clock);
            case "off" -> Metrics.NONE;
            default -> throw new ConfigException("environment", List.of("TOLLGATE_METRICS: expected 'emf' or 'off', got '"
                    + mode + "'"));
        };
    }

    /** Inside AWS Lambda (the runtime sets AWS_LAMBDA_FUNCTION_NAME) the demo config is opt-in only. */
    static void requireDemoAllowed(Map<String, String> env) {
        boolean inLambda = env.get("AWS_LAMBDA_FUNCTION_NAME") != null;
        if (inLambda && !"1".equals(env.get("TOLLGATE_ALLOW_DEMO"))) {
            throw new ConfigException("environment", List.of("TOLLGATE_CONFIG: required when running in AWS Lambda "
                    + "(e.g. classpath:tollgate.yaml for the config shipped in the package); the embedded demo "
                    + "config accepts a well-known demo key and runs only with TOLLGATE_ALLOW_DEMO=1"));
        }
    }

    /** The routing engine: planner, attempt loop and target health over one cooldown store. */
    public static ChatRouter router(GatewayConfig config, ProviderRegistry providers, CredentialResolver credentials,
                                    CooldownStore cooldowns, RouteSwitch routeSwitch, Clock clock,
                                    RandomGenerator random, Sleeper sleeper, RequestLog log) {
        return router(config, providers, credentials, cooldowns, routeSwitch, null, clock, random, sleeper, log);
    }

    /** The routing engine with budgets: the budgets' soft limits also switch routes. */
    public static ChatRouter router(GatewayConfig config, ProviderRegistry providers, CredentialResolver credentials,
                                    CooldownStore cooldowns, Budgets budgets, Clock clock,
                                    RandomGenerator random, Sleeper sleeper, RequestLog log) {
        return router(config, providers, credentials, cooldowns, budgets, budgets, clock, random, sleeper, log);
    }

    private static ChatRouter router(GatewayConfig config, ProviderRegistry providers, CredentialResolver credentials,
                                     CooldownStore cooldowns, RouteSwitch routeSwitch, Budgets budgets, Clock clock,
                                     RandomGenerator random, Sleeper sleeper, RequestLog log) {
        LatencyTracker latency = new LatencyTracker();
        TargetHealth health = new TargetHealth(cooldowns, latency, clock);
        RoutePlanner planner = new RoutePlanner(config, random, latency, PriceBook.lookup());
        FallbackExecutor executor = new FallbackExecutor(providers, credentials, health, sleeper, random, clock, log);
        return new ChatRouter(config, planner, executor, health, routeSwitch, budgets, clock);
    }

    /**
     * Gateway keys: those in the config, then the DynamoDB keys table named by {@code TOLLGATE_KEYS_TABLE} (cached
     * for {@code TOLLGATE_KEY_CACHE_SECONDS}, default 60: a revocation takes effect within that time).
     */
    static KeyStore keys(GatewayConfig config, Map<String, String> env, Supplier<DynamoDbClient> dynamo, Clock clock) {
        KeyStore keys = KeyStore.of(config.keys());
        String table = env.get("TOLLGATE_KEYS_TABLE");
        if (table == null || table.isBlank()) {
            return keys;
        }
        Duration ttl = Duration.ofSeconds(Long.parseLong(env.getOrDefault("TOLLGATE_KEY_CACHE_SECONDS", "60")));
        return keys.orElse(new CachedKeyStore(new DynamoDbKeyStore(dynamo, table), ttl,
                Duration.ofSeconds(5), clock));
    }

    /**
     * Budgets, rate limits and the usage ledger: on DynamoDB when {@code TOLLGATE_BUDGETS_TABLE} is set (with
     * {@code TOLLGATE_USAGE_TABLE} and {@code TOLLGATE_STATE_TABLE}), else in memory. {@code TOLLGATE_BUDGET_FAIL_MODE}
     * = open lets requests through when budgets cannot be read (default closed).
     */
    static Budgets budgets(Map<String, String> env, Supplier<DynamoDbClient> dynamo, Clock clock, RequestLog log) {
        boolean failOpen = "open".equalsIgnoreCase(env.getOrDefault("TOLLGATE_BUDGET_FAIL_MODE", "closed"));
        String budgetsTable = env.get("TOLLGATE_BUDGETS_TABLE");
        // In memory nothing reads the ledger back (usage is in each answer's headers and the request log; spend
        // reports read DynamoDB), and keeping entries that outlive a young collection set the local server's p99.
        BudgetStore store = budgetsTable == null || budgetsTable.isBlank() ? new InMemoryBudgetStore(0)
                : new DynamoDbBudgetStore(dynamo, budgetsTable,
                        env.getOrDefault("TOLLGATE_USAGE_TABLE", budgetsTable),
                        env.getOrDefault("TOLLGATE_STATE_TABLE", budgetsTable));
        return new Budgets(store, new PriceBookCostModel(PriceBook.lookup()), clock, log, failOpen);
    }

    /**
     * Cooldowns shared through the DynamoDB state table named by {@code TOLLGATE_STATE_TABLE} (cached for two
     * seconds), or kept in memory when no table is configured (local mode).
     */
    static CooldownStore cooldowns(Map<String, String> env, Supplier<DynamoDbClient> dynamo, Clock clock) {
        String table = env.get("TOLLGATE_STATE_TABLE");
        if (table == null || table.isBlank()) {
            return new InMemoryCooldownStore();
        }
        return new CachedCooldownStore(new DynamoDbCooldownStore(dynamo, table, clock),
                Duration.ofSeconds(2), clock);
    }

    /**
     * Called first thing by every process that serves requests (LocalServer, LambdaHandler): the JDK's
     * HttpURLConnection, under the AWS SDK's url-connection client (DynamoDB, Secrets Manager), re-sends a buffered
     * POST once by itself when reading its answer fails, and a gateway must never repeat a call behind its caller's
     * back. The JDK reads the property once, when its HTTP client class loads, so it is set before any connection.
     */
    public static void noSilentPostRetries() {
        System.setProperty("sun.net.http.retryPost", "false");
    }

    /** The DynamoDB client: default credential and region chains, the one lightweight HTTP client. */
    public static DynamoDbClient dynamoDb(Map<String, String> env) {
        // The standard strategy (4 attempts) instead of DynamoDB's legacy default (9 attempts, throttling backoff up
        // to 20 s): under constant throttling a request must fail within a client's patience, not after minutes. No
        // circuit breaker: transaction conflicts under heavy concurrency would drain its quota and stop all retries.
        DynamoDbClientBuilder builder = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(4).circuitBreakerEnabled(false).build()));
        String endpoint = env.get("AWS_ENDPOINT_URL");
        if (endpoint != null && !endpoint.isBlank()) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.build();
    }

    /** The provider adapters over the gateway's own HTTP client. */
    public static ProviderRegistry providers(Clock clock) {
        return providers(clock, new Http1Client());
    }

    public static ProviderRegistry providers(Clock clock, UpstreamClient http) {
        return new ProviderRegistry(List.of(new OpenAiAdapter(http, clock), new AnthropicAdapter(http, clock),
                new BedrockAdapter(clock), new MockAdapter(clock), new GeminiAdapter(http, clock),
                new AzureOpenAiAdapter(http, clock)));
    }

    /**
     * The providers' HTTP client: the own blocking HTTP/1.1 client, or with {@code TOLLGATE_UPSTREAM_HTTP=jdk} the
     * JDK's. Either builds its TLS context on the first https request only (the costliest part of starting up).
     */
    public static UpstreamClient upstreamClient(Map<String, String> env) {
        String mode = env.getOrDefault("TOLLGATE_UPSTREAM_HTTP", "own").trim();
        return switch (mode) {
            case "own", "" -> new Http1Client();
            case "jdk" -> new JdkUpstreamClient();
            default -> throw new ConfigException("environment", List.of("TOLLGATE_UPSTREAM_HTTP: expected 'own' or "
                    + "'jdk', got '" + mode + "'"));
        };
    }

    /** The Secrets Manager client: default credential and region chains, the one lightweight HTTP client. */
    public static SecretsManagerClient secretsManager(Map<String, String> env) {
        SecretsManagerClientBuilder builder = SecretsManagerClient.builder()
                .httpClient(UrlConnectionHttpClient.create());
        String endpoint = env.get("AWS_ENDPOINT_URL");
        if (endpoint != null && !endpoint.isBlank()) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.build();
    }
}
