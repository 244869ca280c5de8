package dev.tollgate.router;

import dev.tollgate.auth.GatewayKeys;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.core.Gateway;
import dev.tollgate.core.GatewayFactory;
import dev.tollgate.core.GatewayRequest;
import dev.tollgate.core.GatewayResponse;
import dev.tollgate.log.RequestLog;
import dev.tollgate.secrets.CredentialResolver;
import dev.tollgate.secrets.SecretsManagerSecretSource;
import dev.tollgate.store.TableProbe;
import org.crac.Context;
import org.crac.Resource;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * SnapStart priming. Before the snapshot it sends harmless requests through the same door and core that serve
 * traffic (health, a chat completion whole and streamed on the built-in mock provider, a chat completion to the
 * OpenAI adapter aimed at a closed loopback https port, so the HTTP client, its TLS context and the error path load
 * too) on a private gateway whose log and metrics go nowhere; builds the Secrets Manager client with one GetSecretValue call; and, when
 * tables are configured, sends the request path's own DynamoDB client one GetItem of an item that cannot exist
 * ({@link TableProbe}). After a restore it empties the secrets cache, so no provider key is carried in the snapshot
 * into every restored environment and keys are fetched afresh.
 *
 * <p>The managed Java runtime calls it through {@code org.crac} (the buffered {@link LambdaHandler}); behind the
 * Lambda Web Adapter the adapter calls it over HTTP ({@link LocalServer}).
 */
public final class Priming implements Resource {

    /** How a door serves one request: through its own conversions, to the core, to a status. */
    public interface Door extends BiFunction<Gateway, GatewayRequest, Integer> {
    }

    private static final String KEY = "tg-priming-only";
    private static final String CONFIG = """
            models:
              - name: prime-mock
                targets:
                  - provider: mock
                    model: prime
              - name: prime-http
                targets:
                  - provider: openai
                    model: prime
                    base_url: https://127.0.0.1:9/v1
                    credential: none
                    timeout_ms: 2000
            keys:
              - id: priming
                sha256: %s
            """.formatted(GatewayKeys.sha256(KEY));

    private final Door door;
    private final SecretsManagerSecretSource secrets;
    private final String providerSecret;
    private final TableProbe tables;
    private final RequestLog log;

    /**
     * @param secrets the live secrets cache (null when none is used)
     * @param providerSecret the default provider secret to warm the client with (null: no AWS call)
     * @param tables the DynamoDB read to warm the tables' client with (null: no tables, no call)
     * @param log where priming reports what it did (one line each way, never a secret)
     */
    public Priming(Door door, SecretsManagerSecretSource secrets, String providerSecret, TableProbe tables,
                   RequestLog log) {
        this.door = door;
        this.secrets = secrets;
        this.providerSecret = providerSecret;
        this.tables = tables;
        this.log = log;
    }

    /** The door of the local server and of the Web Adapter: the core itself, streamed bodies drained. */
    public static Door coreDoor() {
        return (gateway, request) -> {
            GatewayResponse response = gateway.handle(request);
            if (response instanceof GatewayResponse.Streamed streamed) {
                try {
                    streamed.body().writeTo(OutputStream.nullOutputStream());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return response.status();
        };
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        restored();
    }

    /** Runs the priming requests; never throws (a failed priming must not fail the function's init). */
    public List<Integer> prime() {
        long start = System.nanoTime();
        List<Integer> statuses = new ArrayList<>();
        try {
            Gateway gateway = primingGateway();
            statuses.add(door.apply(gateway, get("/health")));
            statuses.add(door.apply(gateway, get("/v1/models")));
            statuses.add(door.apply(gateway, chat("prime-mock", false)));
            statuses.add(door.apply(gateway, chat("prime-mock", true)));
            statuses.add(door.apply(gateway, chat("prime-http", false)));
        } catch (RuntimeException e) {
            log.error("priming requests failed", e);
        }
        boolean secretRead = warmSecretsClient();
        String tableRead = warmDynamoDbClient();
        var event = log.event("INFO", "snapstart priming done");
        event.put("statuses", statuses.toString());
        event.put("secrets_client_warmed", secretRead);
        event.put("dynamodb_client_warmed", tableRead);
        event.put("ms", (System.nanoTime() - start) / 1_000_000);
        log.write(event);
        return statuses;
    }

    /** After a restore: forget cached secrets so every restored environment fetches its own. */
    public void restored() {
        if (secrets != null) {
            secrets.invalidate();
        }
        log.write(log.event("INFO", "snapstart restore: secrets cache emptied"));
    }

    private boolean warmSecretsClient() {
        if (secrets == null || providerSecret == null || providerSecret.isBlank()) {
            return false;
        }
        try {
            secrets.read(providerSecret, null);
            return true;
        } catch (RuntimeException e) {
            // Missing permission or a placeholder secret: the client classes are loaded all the same.
            return false;
        } finally {
            secrets.invalidate();
        }
    }

    /**
     * "skipped" without tables, "ok" when the GetItem answered (found or not), else the error's code or class: never
     * its message, which may name the account, the role or the table's ARN.
     */
    private String warmDynamoDbClient() {
        if (tables == null) {
            return "skipped";
        }
        try {
            tables.probe();
            return "ok";
        } catch (AwsServiceException e) {
            // Missing permission or table: the client's classes and request path are loaded all the same.
            return e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null
                    ? e.awsErrorDetails().errorCode() : e.getClass().getSimpleName();
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName();
        }
    }

    private static Gateway primingGateway() {
        GatewayConfig config = ConfigLoader.validate(ConfigLoader.readRaw(CONFIG, "priming"), "priming");
        return new Gateway(config, GatewayFactory.providers(Clock.systemUTC(),
                GatewayFactory.upstreamClient(System.getenv())),
                new CredentialResolver(Map.of(), null, null), new RequestLog(line -> { }));
    }

    private static GatewayRequest get(String path) {
        return new GatewayRequest("GET", path, Map.of("Authorization", "Bearer " + KEY), new byte[0]);
    }

    private static GatewayRequest chat(String model, boolean stream) {
        String body = "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"priming\"}]}";
        return new GatewayRequest("POST", "/v1/chat/completions",
                Map.of("Authorization", "Bearer " + KEY, "Content-Type", "application/json"),
                body.getBytes(StandardCharsets.UTF_8));
    }
}
