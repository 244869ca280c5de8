package dev.tollgate.it;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The four tables of template.yaml, created afresh in the emulator for one test class, and dropped after. */
final class BudgetTables implements AutoCloseable {

    final String keys = "tollgate-it-keys-" + UUID.randomUUID();
    final String budgets = "tollgate-it-budgets-" + UUID.randomUUID();
    final String usage = "tollgate-it-usage-" + UUID.randomUUID();
    final String state = "tollgate-it-state-" + UUID.randomUUID();
    private final DynamoDbClient dynamo;

    BudgetTables(DynamoDbClient dynamo) {
        this.dynamo = dynamo;
        create(keys, false);
        create(budgets, true);
        create(usage, true);
        create(state, false);
    }

    /** The environment a gateway reads to use these tables. */
    Map<String, String> environment() {
        return Map.of("TOLLGATE_KEYS_TABLE", keys, "TOLLGATE_BUDGETS_TABLE", budgets, "TOLLGATE_USAGE_TABLE", usage,
                "TOLLGATE_STATE_TABLE", state);
    }

    private void create(String table, boolean sortKey) {
        List<AttributeDefinition> attributes = new ArrayList<>(List.of(
                AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build()));
        List<KeySchemaElement> schema = new ArrayList<>(List.of(
                KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build()));
        if (sortKey) {
            attributes.add(AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.S).build());
            schema.add(KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build());
        }
        dynamo.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attributes).keySchema(schema));
    }

    @Override
    public void close() {
        for (String table : List.of(keys, budgets, usage, state)) {
            dynamo.deleteTable(b -> b.tableName(table));
        }
    }
}
