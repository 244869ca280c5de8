package dev.tollgate.store;

import dev.tollgate.auth.KeyStore;
import dev.tollgate.config.GatewayKey;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Gateway keys in the DynamoDB keys table: {@code pk} = SHA-256 of the plain key (hex), {@code keyId}, {@code team},
 * {@code tier}, {@code allowedModels} (string set), {@code rpm}, {@code tpm}, {@code budgetScopes} (string set),
 * {@code status} (active|revoked), {@code expiresAt} (ISO-8601), {@code createdAt}.
 */
public final class DynamoDbKeyStore implements KeyStore {

    private final Supplier<DynamoDbClient> dynamo;
    private final String table;

    public DynamoDbKeyStore(Supplier<DynamoDbClient> dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Optional<GatewayKey> find(String sha256) {
        Map<String, AttributeValue> item = dynamo.get().getItem(b -> b.tableName(table)
                .key(Map.of("pk", AttributeValue.fromS(sha256)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(key(item));
    }

    public void put(GatewayKey key, Instant createdAt) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", AttributeValue.fromS(key.sha256()));
        item.put("keyId", AttributeValue.fromS(key.id()));
        if (key.team() != null) {
            item.put("team", AttributeValue.fromS(key.team()));
        }
        if (key.tier() != null) {
            item.put("tier", AttributeValue.fromS(key.tier()));
        }
        if (!key.allowedModels().isEmpty()) {
            item.put("allowedModels", AttributeValue.fromSs(new ArrayList<>(key.allowedModels())));
        }
        if (!key.budgetScopes().isEmpty()) {
            item.put("budgetScopes", AttributeValue.fromSs(key.budgetScopes()));
        }
        item.put("rpm", AttributeValue.fromN(Long.toString(key.rpm())));
        item.put("tpm", AttributeValue.fromN(Long.toString(key.tpm())));
        item.put("status", AttributeValue.fromS(key.revoked() ? "revoked" : "active"));
        if (key.expiresAt() != null) {
            item.put("expiresAt", AttributeValue.fromS(key.expiresAt().toString()));
        }
        item.put("createdAt", AttributeValue.fromS(createdAt.toString()));
        dynamo.get().putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
    }

    public List<GatewayKey> list() {
        List<GatewayKey> keys = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page = dynamo.get().scan(b -> b.tableName(table).exclusiveStartKey(from));
            page.items().forEach(item -> keys.add(key(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return keys;
    }

    /**
     * Marks every key with this id revoked (ids are not unique in the table: an item written by hand may repeat one,
     * and none of them may stay usable); returns how many were revoked.
     */
    public int revoke(String keyId) {
        int revoked = 0;
        for (GatewayKey key : list()) {
            if (key.id().equals(keyId)) {
                try {
                    dynamo.get().updateItem(b -> b.tableName(table)
                            .key(Map.of("pk", AttributeValue.fromS(key.sha256())))
                            .updateExpression("SET #s = :revoked").conditionExpression("attribute_exists(pk)")
                            .expressionAttributeNames(Map.of("#s", "status"))
                            .expressionAttributeValues(Map.of(":revoked", AttributeValue.fromS("revoked"))));
                    revoked++;
                } catch (ConditionalCheckFailedException deletedMeanwhile) {
                    // Deleted since the scan: nothing left to revoke, and no half item written in its place.
                }
            }
        }
        return revoked;
    }

    private static GatewayKey key(Map<String, AttributeValue> item) {
        return new GatewayKey(item.get("keyId").s(), item.get("pk").s(), text(item, "team"), text(item, "tier"),
                item.containsKey("allowedModels") ? new HashSet<>(item.get("allowedModels").ss()) : java.util.Set.of(),
                number(item, "rpm"), number(item, "tpm"),
                item.containsKey("budgetScopes") ? item.get("budgetScopes").ss() : List.of(),
                "revoked".equals(text(item, "status")),
                item.containsKey("expiresAt") ? Instant.parse(item.get("expiresAt").s()) : null);
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        return item.containsKey(name) ? item.get(name).s() : null;
    }

    private static long number(Map<String, AttributeValue> item, String name) {
        return item.containsKey(name) && item.get(name).n() != null ? Long.parseLong(item.get(name).n()) : 0;
    }
}
