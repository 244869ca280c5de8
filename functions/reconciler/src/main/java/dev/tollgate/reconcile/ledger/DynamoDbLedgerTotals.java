package dev.tollgate.reconcile.ledger;

import dev.tollgate.reconcile.TokenCounts;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Totals from the daily aggregates of the usage table ({@code pk = agg#<date>, sk = <provider>#<model>}, with
 * costNanos, requests, promptTokens, completionTokens), which the gateway adds to in the same transaction that
 * writes each ledger entry: one query per day instead of reading every request.
 */
public final class DynamoDbLedgerTotals implements LedgerTotals {

    private final Supplier<DynamoDbClient> dynamo;
    private final String usageTable;

    public DynamoDbLedgerTotals(Supplier<DynamoDbClient> dynamo, String usageTable) {
        this.dynamo = dynamo;
        this.usageTable = usageTable;
    }

    @Override
    public Map<String, LedgerDay> day(LocalDate day) {
        Map<String, List<LedgerLine>> byProvider = new HashMap<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamo.get().query(b -> b.tableName(usageTable).consistentRead(true)
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("agg#" + day)))
                    .exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : page.items()) {
                String sk = item.get("sk").s();
                int hash = sk.indexOf('#');
                String provider = hash < 0 ? sk : sk.substring(0, hash);
                String model = hash < 0 ? null : sk.substring(hash + 1);
                byProvider.computeIfAbsent(provider, p -> new ArrayList<>()).add(new LedgerLine(
                        "null".equals(model) ? null : model, num(item, "costNanos"),
                        new TokenCounts(num(item, "promptTokens"), num(item, "completionTokens"),
                                num(item, "requests"))));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        Map<String, LedgerDay> days = new HashMap<>();
        byProvider.forEach((provider, lines) -> days.put(provider, LedgerDay.of(provider, day, lines)));
        return days;
    }

    private static long num(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
    }
}
