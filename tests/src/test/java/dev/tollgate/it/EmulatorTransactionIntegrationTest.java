package dev.tollgate.it;

import dev.tollgate.core.GatewayFactory;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The emulator's TransactWriteItems stays all-or-nothing: tests/moto/serve.py replaces moto's whole-table backup with
 * a copy of the items a transaction names, and this proves the rollback still undoes every write of a cancelled
 * transaction (a put of a new item, an update and a delete made before the failing condition), leaves the items
 * it did not name alone, and that a transaction that succeeds keeps all its writes.
 */
class EmulatorTransactionIntegrationTest {

    @Test
    void aCancelledTransactionLeavesNothingPartiallyWritten() {
        AwsTestEnvironment.require();
        try (DynamoDbClient dynamo = GatewayFactory.dynamoDb(new HashMap<>(System.getenv()));
             BudgetTables tables = new BudgetTables(dynamo)) {
            String table = tables.usage;
            put(dynamo, table, "a", "1", 1);
            put(dynamo, table, "c", "1", 7);
            put(dynamo, table, "untouched", "1", 3);
            Map<String, String> before = contents(dynamo, table);

            TransactionCanceledException cancelled = assertThrows(TransactionCanceledException.class,
                    () -> dynamo.transactWriteItems(b -> b.transactItems(
                            TransactWriteItem.builder().put(p -> p.tableName(table).item(item("b", "1", 5))).build(),
                            increment(table, "a"),
                            TransactWriteItem.builder().delete(d -> d.tableName(table).key(key("c", "1"))).build(),
                            TransactWriteItem.builder().conditionCheck(c -> c.tableName(table).key(key("missing", "1"))
                                    .conditionExpression("attribute_exists(pk)")).build())));

            assertEquals("ConditionalCheckFailed", cancelled.cancellationReasons().get(3).code());
            assertEquals(before, contents(dynamo, table), "no write of the cancelled transaction is left");

            dynamo.transactWriteItems(b -> b.transactItems(
                    TransactWriteItem.builder().put(p -> p.tableName(table).item(item("b", "1", 5))).build(),
                    increment(table, "a")));
            Map<String, String> after = new HashMap<>(before);
            after.put("b/1", "5");
            after.put("a/1", "2");
            assertEquals(after, contents(dynamo, table), "a transaction that succeeds keeps every write");
        }
    }

    private static TransactWriteItem increment(String table, String pk) {
        return TransactWriteItem.builder().update(u -> u.tableName(table).key(key(pk, "1"))
                .updateExpression("SET n = n + :one")
                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1")))).build();
    }

    private static void put(DynamoDbClient dynamo, String table, String pk, String sk, int n) {
        dynamo.putItem(b -> b.tableName(table).item(item(pk, sk, n)));
    }

    private static Map<String, AttributeValue> item(String pk, String sk, int n) {
        Map<String, AttributeValue> item = new HashMap<>(key(pk, sk));
        item.put("n", AttributeValue.fromN(Integer.toString(n)));
        return item;
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk));
    }

    /** "pk/sk" to the number n of every item in the table. */
    private static Map<String, String> contents(DynamoDbClient dynamo, String table) {
        List<Map<String, AttributeValue>> items = dynamo.scan(b -> b.tableName(table).consistentRead(true)).items();
        return items.stream().collect(Collectors.toMap(i -> i.get("pk").s() + "/" + i.get("sk").s(),
                i -> i.get("n").n()));
    }
}
