package dev.tollgate.it;

import dev.tollgate.core.GatewayFactory;
import dev.tollgate.log.RequestLog;
import dev.tollgate.router.LocalServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A gateway wired exactly as a deployment wires it, {@link GatewayFactory#fromEnvironment}, from this process's
 * environment (the emulator's endpoint and credentials) plus the given variables and a config file written from
 * {@code yaml}; served by the local HTTP server on loopback.
 */
final class EnvGateway implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final Path config;
    private final LocalServer server;
    private final List<String> log = new CopyOnWriteArrayList<>();

    EnvGateway(String yaml, Map<String, String> variables) {
        try {
            config = Files.createTempFile("tollgate-it", ".yaml");
            Files.writeString(config, yaml);
            Map<String, String> env = new HashMap<>(System.getenv());
            env.putAll(variables);
            env.put("TOLLGATE_CONFIG", config.toString());
            GatewayFactory.Setup setup = GatewayFactory.fromEnvironment(env, new RequestLog(log::add));
            server = new LocalServer(setup.gateway(), "127.0.0.1", 0).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** POSTs a chat completion with {@code Authorization: Bearer key}. */
    HttpResponse<String> chat(String key, String body) {
        return post("/v1/chat/completions", key, body);
    }

    HttpResponse<String> post(String path, String key, String body) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(90)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The gateway's log lines so far. */
    List<String> log() {
        return List.copyOf(log);
    }

    /** A loopback port with nothing listening: an AWS endpoint that refuses every connection. */
    static int closedPort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.close();
        try {
            Files.deleteIfExists(config);
        } catch (IOException ignored) {
            // A temp file left behind is harmless.
        }
    }
}
