package dev.tollgate.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.auth.GatewayKeys;
import dev.tollgate.core.GatewayFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.CreateSecretRequest;
import software.amazon.awssdk.services.secretsmanager.model.DeleteSecretRequest;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The built router artifact (sam build's .aws-sam/build/RouterFunction under ./tollgate test) invoked through the
 * real Lambda runtime interface: the Runtime Interface Emulator (built from its Go module) runs the Java runtime
 * interface client, which loads {@code LambdaHandler} from the artifact, exactly as the managed runtime does. The
 * sample API Gateway events in events/ go in; API Gateway proxy responses must come out. The function reads its
 * config from a file, and a provider key from Secrets Manager on the AWS emulator (moto), which a fake OpenAI
 * upstream on loopback checks.
 */
class LambdaRuntimeEmulatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ROOT = Path.of(System.getProperty("tollgate.repo.root", "..")).toAbsolutePath().normalize();
    private static final String GATEWAY_KEY = "tg-demo-key";
    private static final String PROVIDER_KEY = "sk-rie-" + UUID.randomUUID();
    private static final String SECRET_ID = "tollgate-rie/providers-" + UUID.randomUUID();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Emulator function;
    private static HttpServer upstream;
    private static SecretsManagerClient secrets;
    private static Path workDir;

    /** One emulator process with the runtime it started; its output is kept for assertions. */
    private record Emulator(Process process, int port, Path output) {

        JsonNode invoke(String eventJson) throws IOException, InterruptedException {
            HttpResponse<String> response = send(eventJson);
            assertEquals(200, response.statusCode(), "the emulator itself answers 200; " + response.body());
            return JSON.readTree(response.body());
        }

        HttpResponse<String> send(String eventJson) throws IOException, InterruptedException {
            return HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/2015-03-31/functions/function/invocations"))
                    .timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString(eventJson)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        String log() throws IOException {
            return Files.readString(output);
        }

        void stop() {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @BeforeAll
    static void startFunction() throws Exception {
        AwsTestEnvironment.require();
        workDir = Files.createTempDirectory("tollgate-rie");
        upstream = fakeOpenAi();
        secrets = GatewayFactory.secretsManager(System.getenv());
        secrets.createSecret(CreateSecretRequest.builder().name(SECRET_ID)
                .secretString("{\"openai\":\"" + PROVIDER_KEY + "\"}").build());
        Path config = workDir.resolve("tollgate.yaml");
        Files.writeString(config, """
                models:
                  - name: demo
                    targets:
                      - provider: mock
                        model: mock-fast
                  - name: gpt-4o-mini
                    targets:
                      - provider: openai
                        model: gpt-4o-mini
                        base_url: http://127.0.0.1:%d/v1
                        credential: secret:#openai
                keys:
                  - id: rie-test
                    sha256: %s
                """.formatted(upstream.getAddress().getPort(), GatewayKeys.sha256(GATEWAY_KEY)));
        function = start(Map.of("TOLLGATE_CONFIG", config.toString(), "TOLLGATE_PROVIDER_SECRET", SECRET_ID), "function");
    }

    @AfterAll
    static void stopAll() {
        if (function != null) {
            function.stop();
        }
        if (upstream != null) {
            upstream.stop(0);
        }
        if (secrets != null) {
            secrets.deleteSecret(DeleteSecretRequest.builder().secretId(SECRET_ID).forceDeleteWithoutRecovery(true).build());
            secrets.close();
        }
    }

    private static String event(String file) throws IOException {
        return Files.readString(ROOT.resolve("events").resolve(file));
    }

    @Test
    void aChatCompletionEventGetsAProxyResponseWithTheCompletion() throws Exception {
        JsonNode response = function.invoke(event("chat-completion.json"));
        assertEquals(200, response.get("statusCode").asInt(), response.toString());
        assertEquals("application/json", response.at("/headers/Content-Type").asText());
        assertEquals("mock", response.at("/headers/x-tollgate-provider").asText());
        assertFalse(response.get("isBase64Encoded").asBoolean());
        JsonNode body = JSON.readTree(response.get("body").asText());
        assertEquals("chat.completion", body.get("object").asText());
        assertEquals("This is Tollgate's mock provider. You said: Hello from the Lambda event",
                body.at("/choices/0/message/content").asText());
    }

    @Test
    void aStreamedEventIsAnsweredWithTheWholeSseBody() throws Exception {
        JsonNode response = function.invoke(event("chat-completion-stream.json"));
        assertEquals(200, response.get("statusCode").asInt(), response.toString());
        assertTrue(response.at("/headers/Content-Type").asText().startsWith("text/event-stream"));
        String body = response.get("body").asText();
        assertTrue(body.startsWith("data: {"), body);
        assertTrue(body.contains("\"object\":\"chat.completion.chunk\""), body);
        assertTrue(body.endsWith("data: [DONE]\n\n"), body);
    }

    @Test
    void modelsAndHealthEventsAnswer() throws Exception {
        JsonNode models = function.invoke(event("models.json"));
        assertEquals(200, models.get("statusCode").asInt(), models.toString());
        assertEquals(List.of("demo", "gpt-4o-mini"), JSON.readTree(models.get("body").asText()).findValuesAsText("id"));
        JsonNode health = function.invoke(event("health.json"));
        assertEquals(200, health.get("statusCode").asInt());
        assertEquals("{\"status\":\"ok\"}", health.get("body").asText());
    }

    @Test
    void aWrongGatewayKeyIsAnOpenAiShaped401() throws Exception {
        ObjectNode event = (ObjectNode) JSON.readTree(event("chat-completion.json"));
        ((ObjectNode) event.get("headers")).put("Authorization", "Bearer tg-wrong");
        JsonNode response = function.invoke(event.toString());
        assertEquals(401, response.get("statusCode").asInt());
        assertEquals("invalid_api_key", JSON.readTree(response.get("body").asText()).at("/error/code").asText());
    }

    @Test
    void theProviderKeyComesFromSecretsManagerAndReachesTheUpstream() throws Exception {
        ObjectNode event = (ObjectNode) JSON.readTree(event("chat-completion.json"));
        event.put("body", "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        JsonNode response = function.invoke(event.toString());
        assertEquals(200, response.get("statusCode").asInt(), response.toString());
        assertEquals("openai", response.at("/headers/x-tollgate-provider").asText());
        assertEquals("key accepted", JSON.readTree(response.get("body").asText())
                .at("/choices/0/message/content").asText(), "the fake upstream saw the key from the secret");
        assertFalse(function.log().contains(PROVIDER_KEY), "the provider key never reaches the logs");
    }

    @Test
    void requestsAreCountedAsEmfMetricLinesOnStdout() throws Exception {
        function.invoke(event("health.json"));
        String emf = function.log().lines().filter(line -> line.startsWith("{\"_aws\"")).findFirst().orElse("");
        JsonNode metrics = JSON.readTree(emf.isEmpty() ? "{}" : emf);
        assertEquals("Tollgate", metrics.at("/_aws/CloudWatchMetrics/0/Namespace").asText(),
                "metrics are on by default inside Lambda; log:\n" + function.log());
        assertEquals(1, metrics.get("Requests").asInt());
    }

    @Test
    void withoutAConfigTheFunctionRefusesToStartOnTheDemoAndSaysWhy() throws Exception {
        Emulator bare = start(Map.of(), "bare");
        try {
            HttpResponse<String> response = bare.send(event("health.json"));
            assertEquals(502, response.statusCode(), "an init failure, not an answer: " + response.body());
            JsonNode error = JSON.readTree(response.body());
            assertEquals("dev.tollgate.config.ConfigException", error.get("errorType").asText());
            assertTrue(error.get("errorMessage").asText().contains("TOLLGATE_CONFIG: required when running in AWS Lambda"),
                    error.toString());
            assertTrue(error.get("errorMessage").asText().contains("TOLLGATE_ALLOW_DEMO=1"), error.toString());
        } finally {
            bare.stop();
        }
    }

    // --- helpers ----------------------------------------------------------------------------------------------

    /** The artifact sam build made (./tollgate test), or the same jar laid out as lib/ when run from Maven alone. */
    private static Path artifact() throws IOException {
        String built = System.getenv("TOLLGATE_ROUTER_ARTIFACT");
        if (built != null && !built.isBlank()) {
            Path dir = Path.of(built);
            if (!Files.isRegularFile(dir.resolve("lib/tollgate-router.jar"))) {
                fail("TOLLGATE_ROUTER_ARTIFACT=" + built + " has no lib/tollgate-router.jar: run sam build first");
            }
            return dir;
        }
        Path jar = ROOT.resolve("functions/router/target/tollgate-router.jar");
        if (!Files.isRegularFile(jar)) {
            fail("no router artifact: run ./tollgate test (it runs sam build), or package functions/router first");
        }
        Path dir = Files.createDirectories(workDir.resolve("artifact/lib"));
        Files.copy(jar, dir.resolve("tollgate-router.jar"));
        System.out.println("LambdaRuntimeEmulatorTest: TOLLGATE_ROUTER_ARTIFACT unset; using " + jar);
        return dir.getParent();
    }

    /** The runtime interface client and what it needs, from this test's classpath (a test dependency). */
    private static String runtimeClasspath() {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> wanted = List.of("aws-lambda-java-runtime-interface-client", "aws-lambda-java-serialization",
                "aws-lambda-java-core", File.separator + "utils-lite" + File.separator,
                "awssdk" + File.separator + "annotations" + File.separator);
        String ric = Arrays.stream(classpath.split(File.pathSeparator))
                .filter(entry -> wanted.stream().anyMatch(entry::contains))
                .collect(Collectors.joining(File.pathSeparator));
        if (!ric.contains("aws-lambda-java-runtime-interface-client")) {
            fail("the Lambda runtime interface client is not on the test classpath: " + classpath);
        }
        return ric;
    }

    private static Emulator start(Map<String, String> functionEnv, String name) throws Exception {
        String rie = System.getenv("TOLLGATE_RIE");
        if (rie == null || !Files.isExecutable(Path.of(rie))) {
            fail("TOLLGATE_RIE must name the aws-lambda-rie binary: ./tollgate test builds it into .tools/bin with go");
        }
        Path artifact = artifact();
        int port = freePort();
        Path output = workDir.resolve(name + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(rie,
                "--runtime-interface-emulator-address", "127.0.0.1:" + port,
                "--runtime-api-address", "127.0.0.1:" + freePort(),
                java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        if (Runtime.version().feature() >= 22) {
            command.add("--enable-native-access=ALL-UNNAMED"); // the client loads its JNI library
        }
        command.addAll(List.of("-cp", artifact.resolve("lib") + File.separator + "*" + File.pathSeparator + runtimeClasspath(),
                "com.amazonaws.services.lambda.runtime.api.client.AWSLambda",
                "dev.tollgate.router.LambdaHandler::handleRequest"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(artifact.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> key.startsWith("TOLLGATE_"));
        env.put("AWS_LAMBDA_FUNCTION_NAME", "tollgate-router-" + name);
        env.putAll(new HashMap<>(functionEnv));
        Process process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return new Emulator(process, port, output);
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    fail("the emulator did not listen on " + port + ":\n" + Files.readString(output));
                }
                Thread.sleep(50);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A minimal OpenAI Chat Completions upstream that accepts only the key stored in the secret. */
    private static HttpServer fakeOpenAi() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/v1/chat/completions", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                boolean keyOk = ("Bearer " + PROVIDER_KEY).equals(exchange.getRequestHeaders().getFirst("Authorization"));
                String body = keyOk ? """
                        {"id":"chatcmpl-rie","object":"chat.completion","created":1764000000,"model":"gpt-4o-mini",
                         "choices":[{"index":0,"message":{"role":"assistant","content":"key accepted"},
                                     "logprobs":null,"finish_reason":"stop"}],
                         "usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}""" : """
                        {"error":{"message":"Incorrect API key provided.","type":"invalid_request_error",
                                  "param":null,"code":"invalid_api_key"}}""";
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(keyOk ? 200 : 401, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        });
        server.start();
        return server;
    }
}
