package dev.tollgate.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.tollgate.auth.GatewayKeys;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.core.Gateway;
import dev.tollgate.core.GatewayFactory;
import dev.tollgate.log.RequestLog;
import dev.tollgate.router.LocalServer;
import dev.tollgate.secrets.CredentialResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The real gateway core behind the real local HTTP door, wired the way {@link GatewayFactory} wires it but
 * with a config string, an in-memory environment and a log that the test can read line by line.
 */
final class TestGateway implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalServer server;
    private final List<String> logLines = new CopyOnWriteArrayList<>();

    TestGateway(String yaml, Map<String, String> environment) {
        GatewayConfig config = ConfigLoader.validate(ConfigLoader.readRaw(yaml, "test config"), "test config");
        Gateway gateway = new Gateway(config, GatewayFactory.providers(Clock.systemUTC()),
                new CredentialResolver(environment, null, null), new RequestLog(logLines::add));
        try {
            this.server = new LocalServer(gateway, "127.0.0.1", 0).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code keys:} entry for a plain gateway key. */
    static String keyEntry(String id, String plainKey) {
        return "keys:\n  - id: " + id + "\n    sha256: " + GatewayKeys.sha256(plainKey) + "\n";
    }

    int port() {
        return server.port();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    List<String> logLines() {
        return List.copyOf(logLines);
    }

    /** The official OpenAI SDK pointed at this gateway, without its own retries (the gateway's are under test). */
    OpenAIClient openAiClient(String gatewayKey) {
        return OpenAIOkHttpClient.builder().baseUrl(baseUrl()).apiKey(gatewayKey).maxRetries(0).build();
    }

    /** Fails when any log line so far contains {@code secret} (a provider key). */
    void assertNeverLogged(String secret, String what) {
        if (logLines.stream().anyMatch(line -> line.contains(secret))) {
            throw new AssertionError(what + " was written to the request log");
        }
    }

    /**
     * The request summary line for a request id. A stream's line is written after its last event has been
     * flushed, so a client can finish reading before the line exists: wait for it, briefly.
     */
    JsonNode requestLine(String requestId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            Optional<JsonNode> line = parsedLines().stream()
                    .filter(l -> "request".equals(l.path("message").asText()))
                    .filter(l -> requestId.equals(l.path("request_id").asText()))
                    .findFirst();
            if (line.isPresent()) {
                return line.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no request log line for " + requestId + " in " + logLines);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    List<JsonNode> parsedLines() {
        List<JsonNode> parsed = new ArrayList<>();
        for (String line : logLines) {
            try {
                parsed.add(JSON.readTree(line));
            } catch (IOException e) {
                throw new AssertionError("log line is not JSON: " + line, e);
            }
        }
        return parsed;
    }

    @Override
    public void close() {
        server.close();
    }
}
