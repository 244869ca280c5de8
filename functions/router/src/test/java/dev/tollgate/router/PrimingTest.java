package dev.tollgate.router;

import dev.tollgate.log.RequestLog;
import dev.tollgate.secrets.SecretsManagerSecretSource;
import dev.tollgate.store.TableProbe;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SnapStart priming: what runs before the snapshot, what is forgotten after a restore, and both HTTP hooks. */
class PrimingTest {

    private final List<String> log = new ArrayList<>();
    private final AtomicInteger secretCalls = new AtomicInteger();

    /** A Secrets Manager client that answers from memory and counts its calls. */
    private SecretsManagerSecretSource secrets() {
        SecretsManagerClient client = new SecretsManagerClient() {
            @Override
            public GetSecretValueResponse getSecretValue(GetSecretValueRequest request) {
                secretCalls.incrementAndGet();
                return GetSecretValueResponse.builder().secretString("{\"openai\":\"sk-v" + secretCalls.get() + "\"}")
                        .build();
            }

            @Override
            public String serviceName() {
                return "secretsmanager";
            }

            @Override
            public void close() {
            }
        };
        return new SecretsManagerSecretSource(() -> client, Duration.ofMinutes(5), Clock.systemUTC());
    }

    /** A DynamoDB client that records its GetItem calls and answers "no such item", or fails as told. */
    private static final class RecordingDynamoDb implements DynamoDbClient {
        final List<GetItemRequest> gets = new ArrayList<>();
        RuntimeException failure;

        @Override
        public GetItemResponse getItem(GetItemRequest request) {
            gets.add(request);
            if (failure != null) {
                throw failure;
            }
            return GetItemResponse.builder().build();
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {
        }
    }

    @Test
    void primingReadsOneItemThatCannotExistFromTheConfiguredTableAndNothingElse() {
        RecordingDynamoDb dynamo = new RecordingDynamoDb();
        Priming priming = new Priming(Priming.coreDoor(), null, null, new TableProbe(() -> dynamo, "tg-keys"),
                new RequestLog(log::add));
        priming.prime();
        // A recording client that only overrides getItem: any other call (Scan, DescribeTable...) would throw
        // UnsupportedOperationException and show up as the failure below instead of "ok".
        assertEquals(1, dynamo.gets.size(), "one GetItem");
        GetItemRequest get = dynamo.gets.getFirst();
        assertEquals("tg-keys", get.tableName());
        assertEquals(List.of("pk"), List.copyOf(get.key().keySet()), "the tables' only key attribute");
        String pk = get.key().get("pk").s();
        assertFalse(pk.matches("[0-9a-f]{64}"), "not a SHA-256: no gateway key can have it");
        assertFalse(pk.startsWith("cooldown#") || pk.startsWith("rate#") || pk.startsWith("resv#"),
                "no state-table item can have it");
        assertTrue(log.getLast().contains("\"dynamodb_client_warmed\":\"ok\""), log.getLast());
    }

    @Test
    void aFailedTableReadDoesNotFailPrimingAndIsLoggedByItsCodeNotItsMessage() {
        RecordingDynamoDb dynamo = new RecordingDynamoDb();
        dynamo.failure = DynamoDbException.builder().statusCode(400)
                .message("User: arn:aws:sts::123456789012:assumed-role/tollgate-router is not authorized")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDeniedException").build()).build();
        Priming priming = new Priming(LambdaHandler::serve, null, null, new TableProbe(() -> dynamo, "tg-keys"),
                new RequestLog(log::add));
        assertEquals(List.of(200, 200, 200, 200, 502), priming.prime(), "the priming requests ran all the same");
        assertTrue(log.getLast().contains("\"dynamodb_client_warmed\":\"AccessDeniedException\""), log.getLast());
        assertFalse(String.join("\n", log).contains("123456789012"), "no account, role or ARN in the log");

        dynamo.failure = new IllegalStateException("connection refused to 10.0.0.1 with token abc");
        priming.prime();
        assertTrue(log.getLast().contains("\"dynamodb_client_warmed\":\"IllegalStateException\""), log.getLast());
        assertFalse(log.getLast().contains("token abc"));
    }

    @Test
    void withoutTablesPrimingMakesNoDynamoDbCall() {
        Priming priming = new Priming(Priming.coreDoor(), null, null, null, new RequestLog(log::add));
        priming.prime();
        assertTrue(log.getLast().contains("\"dynamodb_client_warmed\":\"skipped\""), log.getLast());
    }

    @Test
    void primingRunsHealthModelsWholeStreamedAndFailingUpstreamRequestsThroughTheHandlerDoor() {
        Priming priming = new Priming(LambdaHandler::serve, null, null, null, new RequestLog(log::add));
        // health, models, mock whole, mock streamed, OpenAI adapter against a closed port (an upstream failure)
        assertEquals(List.of(200, 200, 200, 200, 502), priming.prime());
        assertTrue(log.getLast().contains("snapstart priming done"), log.toString());
        assertFalse(String.join("\n", log).contains("\"message\":\"request\""),
                "priming traffic stays out of the request log and the metrics");
    }

    @Test
    void primingWarmsTheSecretsClientButKeepsNoSecretInTheSnapshot() {
        SecretsManagerSecretSource secrets = secrets();
        Priming priming = new Priming(Priming.coreDoor(), secrets, "tollgate/providers", null, new RequestLog(log::add));
        priming.prime();
        assertEquals(1, secretCalls.get(), "one GetSecretValue call loads the SDK's request path");
        assertEquals("sk-v2", secrets.read("tollgate/providers", "openai"), "nothing was left cached");
        assertFalse(String.join("\n", log).contains("sk-v"), "no secret in the priming log");
    }

    @Test
    void afterRestoreTheCachedSecretsAreFetchedAfresh() {
        SecretsManagerSecretSource secrets = secrets();
        Priming priming = new Priming(Priming.coreDoor(), secrets, null, null, new RequestLog(log::add));
        assertEquals("sk-v1", secrets.read("s", "openai"));
        assertEquals("sk-v1", secrets.read("s", "openai"), "cached");
        priming.afterRestore(null);
        assertEquals("sk-v2", secrets.read("s", "openai"), "re-fetched after the restore");
    }

    @Test
    void theLocalServerServesTheWebAdapterHooksOnlyAsPostsOnTheirExactPaths() throws IOException, InterruptedException {
        SecretsManagerSecretSource secrets = secrets();
        Priming priming = new Priming(Priming.coreDoor(), secrets, null, null, new RequestLog(log::add));
        secrets.read("s", "openai");
        try (LocalServer server = new LocalServer(LambdaHandlerTestSupport.demoGateway(), "127.0.0.1", 0)
                .snapStartHooks(priming, "/lwa/snapstart/before", "/lwa/snapstart/after").start()) {
            HttpClient http = HttpClient.newHttpClient();
            URI base = URI.create("http://127.0.0.1:" + server.port());
            assertEquals(204, http.send(HttpRequest.newBuilder(base.resolve("/lwa/snapstart/before"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
            assertTrue(log.getLast().contains("snapstart priming done"));
            assertEquals(204, http.send(HttpRequest.newBuilder(base.resolve("/lwa/snapstart/after"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
            assertEquals("sk-v2", secrets.read("s", "openai"), "the restore hook emptied the cache");
            assertEquals(404, http.send(HttpRequest.newBuilder(base.resolve("/lwa/snapstart/after")).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode(), "a GET triggers nothing");
            assertEquals(404, http.send(HttpRequest.newBuilder(base.resolve("/lwa/snapstart/afterwards"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
            assertEquals(200, http.send(HttpRequest.newBuilder(base.resolve("/health")).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode(), "the gateway still serves everything else");
        }
    }
}
