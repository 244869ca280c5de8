package dev.tollgate.store;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;
import java.util.function.Supplier;

/**
 * A harmless DynamoDB read for SnapStart priming: one GetItem of an item that no writer ever puts, on a table whose
 * partition key is {@code pk} alone (the keys table, else the state table). It loads the SDK's whole request path
 * (endpoint rules, signing, marshalling, the HTTP client) on the very client the request path uses, and the router's
 * IAM policy already allows it ({@code dynamodb:GetItem} on both tables).
 */
public record TableProbe(Supplier<DynamoDbClient> dynamo, String table) {

    /**
     * Not a SHA-256 in hex (the keys table's pk) nor a prefix the state table uses ({@code cooldown#},
     * {@code rate#}, {@code resv#}): it cannot exist.
     */
    public static final String MISSING_KEY = "tollgate#priming#never-written";

    /** Reads the missing item; true if, against all odds, something was there. Throws what the client throws. */
    public boolean probe() {
        Map<String, AttributeValue> item = dynamo.get().getItem(b -> b.tableName(table)
                .key(Map.of("pk", AttributeValue.fromS(MISSING_KEY)))).item();
        return item != null && !item.isEmpty();
    }
}
