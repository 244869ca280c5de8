package dev.tollgate.reconcile.store;

import dev.tollgate.budget.BudgetLimit;
import dev.tollgate.budget.BudgetStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * True-up on DynamoDB. The provider's budget ({@code pk = provider#<name>}, {@code sk = limit}) says which window
 * holds the day; that window item ({@code sk = window#<key>}) gets {@code ADD committed :delta, spent :delta} in one
 * transaction with the adjustment entry in the usage table ({@code pk = adjust#<provider>}, {@code sk = <date>},
 * {@code appliedNanos} so far), conditioned on the entry still holding what this run read: two runs racing on one
 * day cannot both apply. Only the provider scope is adjusted: the drift of a provider's bill is that scope's
 * alone, while keys, teams and features cannot be told apart in it.
 */
public final class DynamoDbTrueUp implements TrueUp {

    private final Supplier<DynamoDbClient> dynamo;
    private final BudgetStore budgets;
    private final String budgetsTable;
    private final String usageTable;

    public DynamoDbTrueUp(Supplier<DynamoDbClient> dynamo, BudgetStore budgets, String budgetsTable,
                          String usageTable) {
        this.dynamo = dynamo;
        this.budgets = budgets;
        this.budgetsTable = budgetsTable;
        this.usageTable = usageTable;
    }

    @Override
    public Adjustment apply(String provider, LocalDate day, long driftNanos, String runId, Instant at) {
        String scope = "provider#" + provider;
        BudgetLimit limit = budgets.limits(List.of(scope)).get(scope);
        if (limit == null) {
            return new Adjustment(provider, day, scope, null, 0, driftNanos, 0, "no budget on " + scope);
        }
        String windowKey = limit.period().windowKey(day.atStartOfDay(ZoneOffset.UTC).toInstant());
        Map<String, AttributeValue> entryKey = Map.of("pk", s("adjust#" + provider), "sk", s(day.toString()));
        Map<String, AttributeValue> existing = dynamo.get().getItem(b -> b.tableName(usageTable).key(entryKey)
                .consistentRead(true)).item();
        long previous = existing == null || !existing.containsKey("appliedNanos") ? 0
                : Long.parseLong(existing.get("appliedNanos").n());
        long delta = driftNanos - previous;
        if (delta == 0) {
            return new Adjustment(provider, day, scope, windowKey, previous, driftNanos, 0, null);
        }
        Map<String, AttributeValue> entry = new HashMap<>(entryKey);
        entry.put("kind", s("adjustment"));
        entry.put("provider", s(provider));
        entry.put("day", s(day.toString()));
        entry.put("scope", s(scope));
        entry.put("windowKey", s(windowKey));
        entry.put("appliedNanos", n(driftNanos));
        entry.put("lastDeltaNanos", n(delta));
        entry.put("runId", s(runId));
        entry.put("updatedAt", s(at.toString()));
        TransactWriteItem window = TransactWriteItem.builder().update(u -> u.tableName(budgetsTable)
                .key(Map.of("pk", s(scope), "sk", s("window#" + windowKey)))
                .updateExpression("ADD committed :d, spent :d")
                .expressionAttributeValues(Map.of(":d", n(delta)))).build();
        TransactWriteItem record = TransactWriteItem.builder().put(p -> p.tableName(usageTable).item(entry)
                .conditionExpression(existing == null || existing.isEmpty() ? "attribute_not_exists(pk)"
                        : "appliedNanos = :previous")
                .expressionAttributeValues(existing == null || existing.isEmpty() ? null
                        : Map.of(":previous", n(previous)))).build();
        dynamo.get().transactWriteItems(b -> b.transactItems(window, record));
        return new Adjustment(provider, day, scope, windowKey, previous, driftNanos, delta, null);
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
