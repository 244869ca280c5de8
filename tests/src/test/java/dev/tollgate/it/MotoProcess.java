package dev.tollgate.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A moto emulator of this test's own (tests/moto/serve.py from the repository's .venv, as ./tollgate test starts
 * it), on a free loopback port, so a test may stop it mid-run without disturbing the suite's shared emulator.
 */
final class MotoProcess implements AutoCloseable {

    private final Process process;
    private final int port;

    private MotoProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static MotoProcess start() throws IOException, InterruptedException {
        Path root = repositoryRoot();
        Path python = root.resolve(".venv/bin/python");
        if (!Files.isExecutable(python)) {
            throw new IllegalStateException("no " + python + ": run the suite through ./tollgate test, which creates it");
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process process = new ProcessBuilder(python.toString(), root.resolve("tests/moto/serve.py").toString(),
                "-H", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(log(port).toFile()).start();
        MotoProcess moto = new MotoProcess(process, port);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        for (int i = 0; i < 300; i++) {
            try {
                http.send(HttpRequest.newBuilder(URI.create(moto.endpoint() + "/moto-api/")).build(),
                        HttpResponse.BodyHandlers.discarding());
                return moto;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("moto exited during startup: " + Files.readString(log(port)));
                }
                Thread.sleep(100);
            }
        }
        moto.close();
        throw new IllegalStateException("moto did not start within 30 s");
    }

    private static Path log(int port) {
        return Path.of("target", "moto-" + port + ".log");
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** Stops the emulator: its port refuses connections from now on. */
    void stop() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("tests/moto/serve.py"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("tests/moto/serve.py not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
