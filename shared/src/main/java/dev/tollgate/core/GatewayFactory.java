package dev.tollgate.core;

import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.DemoConfig;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.log.RequestLog;
import dev.tollgate.metrics.EmfMetrics;
import dev.tollgate.metrics.Metrics;
import dev.tollgate.providers.ProviderRegistry;
import dev.tollgate.providers.mock.MockAdapter;
import dev.tollgate.providers.openai.OpenAiAdapter;
import dev.tollgate.secrets.CredentialResolver;
import dev.tollgate.secrets.SecretsManagerSecretSource;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Wires a {@link Gateway} from the process environment, once per process (or Lambda environment).
 * <ul>
 *   <li>{@code TOLLGATE_CONFIG}: path of the routing config, or {@code classpath:NAME} for one shipped in the
 *   package; without it, the embedded demo config, which inside AWS Lambda also needs {@code TOLLGATE_ALLOW_DEMO=1}
 *   (the demo config accepts a well-known key, so a deployment must never fall back to it silently).</li>
 *   <li>{@code TOLLGATE_PROVIDER_SECRET}: id or ARN of the default provider-keys secret.</li>
 *   <li>{@code TOLLGATE_SECRET_TTL_SECONDS}: how long fetched secrets are cached (default 300).</li>
 *   <li>{@code TOLLGATE_METRICS}: {@code emf} or {@code off}; default {@code emf} inside AWS Lambda (CloudWatch
 *   Embedded Metric Format lines on stdout), off elsewhere.</li>
 *   <li>{@code AWS_ENDPOINT_URL}: the AWS endpoint override (an emulator, LocalStack), as the AWS SDKs define it.</li>
 * </ul>
 */
public final class GatewayFactory {

    private GatewayFactory() {
    }

    /**
     * The gateway; when running on the demo config, the demo key to print; and the secrets cache, which a
     * SnapStart restore must empty (a snapshot must not carry provider keys into every restored environment).
     */
    public record Setup(Gateway gateway, GatewayConfig config, String demoKey, SecretsManagerSecretSource secrets) {
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
        return new Setup(new Gateway(config, providers(clock), credentials, log), config, demoKey, secrets);
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

    public static ProviderRegistry providers(Clock clock) {
        // Built on first use: the TLS setup is the costliest part of starting up (DeferredHttpClient).
        HttpClient http = new DeferredHttpClient(() -> HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build());
        return new ProviderRegistry(List.of(new OpenAiAdapter(http, clock), new MockAdapter(clock)));
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
