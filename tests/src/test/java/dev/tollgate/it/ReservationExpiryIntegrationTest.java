package dev.tollgate.it;

import dev.tollgate.budget.Reservation;
import dev.tollgate.budget.ReservationRefused;
import dev.tollgate.core.GatewayFactory;
import dev.tollgate.store.DynamoDbBudgetStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The janitor's read of expired reservations on DynamoDB: a Query of the state table's sparse expiry index
 * (template.yaml), which holds reservation records only, spread over a few partitions.
 */
class ReservationExpiryIntegrationTest {

    private static DynamoDbClient dynamo;

    @BeforeAll
    static void setUp() {
        AwsTestEnvironment.require();
        dynamo = GatewayFactory.dynamoDb(System.getenv());
    }

    @AfterAll
    static void tearDown() {
        if (dynamo != null) {
            dynamo.close();
        }
    }

    private static Reservation reservation(String requestId, Instant expiresAt) {
        return new Reservation(requestId + "#1", requestId, List.of(), List.of(), 100, expiresAt);
    }

    @Test
    void onlyReservationsPastTheirExpiryAreFoundAcrossThePartitionsUpToTheMaximum() throws ReservationRefused {
        try (BudgetTables tables = new BudgetTables(dynamo)) {
            DynamoDbBudgetStore store = new DynamoDbBudgetStore(() -> dynamo, tables.budgets, tables.usage,
                    tables.state);
            Instant now = Instant.now();
            Set<String> stale = new HashSet<>();
            for (int i = 0; i < 12; i++) {
                Reservation r = reservation("req-stale-" + i, now.minusSeconds(60L * (i + 1)));
                store.reserve(r);
                stale.add(r.id());
            }
            for (int i = 0; i < 3; i++) {
                store.reserve(reservation("req-live-" + i, now.plusSeconds(600)));
            }
            // Other state items are not in the index, even one that has an expiresAt attribute.
            dynamo.putItem(b -> b.tableName(tables.state).item(Map.of("pk", AttributeValue.fromS("rate#k#rpm#1"),
                    "n", AttributeValue.fromN("5"), "expiresAt", AttributeValue.fromN("0"))));
            // A reservation written without the index key (by a gateway older than the index) is not found: the
            // read is the index's, not a Scan of the table.
            dynamo.putItem(b -> b.tableName(tables.state).item(Map.of("pk", AttributeValue.fromS("resv#req-old#1"),
                    "kind", AttributeValue.fromS("reservation"), "expiresAt", AttributeValue.fromN("0"),
                    "body", AttributeValue.fromS("{\"id\":\"req-old#1\",\"requestId\":\"req-old\",\"amount\":100,"
                            + "\"charges\":[],\"rates\":[]}"))));

            List<Reservation> expired = store.expired(now, 100);
            assertEquals(stale, expired.stream().map(Reservation::id).collect(Collectors.toSet()));
            Map<String, Reservation> byId = expired.stream().collect(Collectors.toMap(Reservation::id, r -> r));
            assertEquals(100, byId.get("req-stale-0#1").amountNanos(), "the record is read whole from the index");
            assertEquals(5, store.expired(now, 5).size(), "at most the maximum asked for");

            assertTrue(store.release(expired.getFirst(), null));
            assertEquals(11, store.expired(now, 100).size(), "a released reservation leaves the index");
        }
    }
}
