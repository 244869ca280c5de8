package dev.tollgate.it;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
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
        create(keys, false, null);
        create(budgets, true, null);
        create(usage, true, null);
        create(state, false, expiryIndex());
    }

    /** The environment a gateway reads to use these tables. */
    Map<String, String> environment() {
        return Map.of("TOLLGATE_KEYS_TABLE", keys, "TOLLGATE_BUDGETS_TABLE", budgets, "TOLLGATE_USAGE_TABLE", usage,
                "TOLLGATE_STATE_TABLE", state);
    }

    /** The state table's sparse index of reservations by expiry (template.yaml), which the janitor queries. */
    private static GlobalSecondaryIndex expiryIndex() {
        return GlobalSecondaryIndex.builder().indexName("expiry")
                .keySchema(KeySchemaElement.builder().attributeName("expiryShard").keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName("expiresAt").keyType(KeyType.RANGE).build())
                .projection(p -> p.projectionType(ProjectionType.ALL)).build();
    }

    private void create(String table, boolean sortKey, GlobalSecondaryIndex index) {
        List<AttributeDefinition> attributes = new ArrayList<>(List.of(
                AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build()));
        List<KeySchemaElement> schema = new ArrayList<>(List.of(
                KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build()));
        if (sortKey) {
            attributes.add(AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.S).build());
            schema.add(KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build());
        }
        if (index != null) {
            attributes.add(AttributeDefinition.builder().attributeName("expiryShard")
                    .attributeType(ScalarAttributeType.S).build());
            attributes.add(AttributeDefinition.builder().attributeName("expiresAt")
                    .attributeType(ScalarAttributeType.N).build());
        }
        dynamo.createTable(b -> {
            b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST).attributeDefinitions(attributes).keySchema(schema);
            if (index != null) {
                b.globalSecondaryIndexes(index); // an empty list would be sent, and refused by DynamoDB
            }
        });
    }

    @Override
    public void close() {
        for (String table : List.of(keys, budgets, usage, state)) {
            dynamo.deleteTable(b -> b.tableName(table));
        }
    }
}
