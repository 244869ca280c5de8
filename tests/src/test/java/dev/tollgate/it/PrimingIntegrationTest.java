package dev.tollgate.it;

import dev.tollgate.core.GatewayFactory;
import dev.tollgate.log.RequestLog;
import dev.tollgate.router.Priming;
import dev.tollgate.store.TableProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SnapStart priming's DynamoDB read on the emulator, through the gateway wired from the environment as the router
 * wires it: the probe reads the keys table with the request path's own client, finds nothing, writes nothing, and a
 * missing table is logged by its error code without failing priming.
 */
class PrimingIntegrationTest {

    private static DynamoDbClient dynamo;
    private static BudgetTables tables;

    @BeforeAll
    static void setUp() {
        AwsTestEnvironment.require();
        dynamo = GatewayFactory.dynamoDb(System.getenv());
        tables = new BudgetTables(dynamo);
    }

    @AfterAll
    static void tearDown() {
        if (tables != null) {
            tables.close();
        }
    }

    @Test
    void primingReadsTheKeysTableThroughTheWiredClientAndLeavesItEmpty() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(tables.environment());
        GatewayFactory.Setup setup = GatewayFactory.fromEnvironment(env, new RequestLog(line -> { }));
        assertEquals(tables.keys, setup.tableProbe().table());
        assertFalse(setup.tableProbe().probe(), "the probed item does not exist");

        List<String> log = new ArrayList<>();
        new Priming(Priming.coreDoor(), null, null, setup.tableProbe(), new RequestLog(log::add)).prime();
        assertTrue(log.getLast().contains("\"dynamodb_client_warmed\":\"ok\""), log.getLast());
        assertEquals(0, dynamo.scan(b -> b.tableName(tables.keys)).count(), "priming wrote nothing");
    }

    @Test
    void aMissingTableIsLoggedByItsErrorCodeAndPrimingCarriesOn() {
        List<String> log = new ArrayList<>();
        TableProbe missing = new TableProbe(() -> dynamo, "tollgate-it-no-such-table");
        List<Integer> statuses = new Priming(Priming.coreDoor(), null, null, missing, new RequestLog(log::add)).prime();
        assertEquals(5, statuses.size(), "the priming requests ran: " + statuses);
        assertTrue(log.getLast().contains("\"dynamodb_client_warmed\":\"ResourceNotFoundException\""), log.getLast());
    }
}
