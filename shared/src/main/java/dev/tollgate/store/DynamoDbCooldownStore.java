package dev.tollgate.store;

import dev.tollgate.routing.CooldownStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Cooldowns in the DynamoDB state table, shared by every gateway instance. Item: {@code pk = cooldown#<target>},
 * {@code until} (epoch ms), {@code reason}, {@code ttl} (epoch s, for cleanup). TTL deletion lags by up to days,
 * so reads check {@code until} themselves. The write is conditional so that re-arming extends, never shortens.
 */
public final class DynamoDbCooldownStore implements CooldownStore {

    /** Expired items linger this long past their end before DynamoDB's TTL may remove them. */
    private static final Duration TTL_SLACK = Duration.ofHours(1);

    private final Supplier<DynamoDbClient> dynamo;
    private final String table;
    private final Clock clock;

    public DynamoDbCooldownStore(Supplier<DynamoDbClient> dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public Optional<Instant> cooledUntil(String targetId, Instant now) {
        Map<String, AttributeValue> item = dynamo.get().getItem(GetItemRequest.builder().tableName(table)
                .key(Map.of("pk", AttributeValue.fromS(key(targetId)))).build()).item();
        if (item == null || !item.containsKey("until")) {
            return Optional.empty();
        }
        Instant until = Instant.ofEpochMilli(Long.parseLong(item.get("until").n()));
        return until.isAfter(now) ? Optional.of(until) : Optional.empty();
    }

    @Override
    public void coolDown(String targetId, Instant until, String reason) {
        try {
            dynamo.get().putItem(PutItemRequest.builder().tableName(table)
                    .item(Map.of(
                            "pk", AttributeValue.fromS(key(targetId)),
                            "until", AttributeValue.fromN(Long.toString(until.toEpochMilli())),
                            "reason", AttributeValue.fromS(reason == null ? "unknown" : reason),
                            "updatedAt", AttributeValue.fromN(Long.toString(clock.millis())),
                            "ttl", AttributeValue.fromN(Long.toString(until.plus(TTL_SLACK).getEpochSecond()))))
                    .conditionExpression("attribute_not_exists(pk) OR #until < :until")
                    .expressionAttributeNames(Map.of("#until", "until"))
                    .expressionAttributeValues(Map.of(":until", AttributeValue.fromN(Long.toString(until.toEpochMilli()))))
                    .build());
        } catch (ConditionalCheckFailedException alreadyLonger) {
            // Another instance cooled this target for longer: keep the longer cooldown.
        }
    }

    private static String key(String targetId) {
        return "cooldown#" + targetId;
    }
}
