package dev.tollgate.reconcile.store;

import dev.tollgate.budget.Money;
import dev.tollgate.reconcile.Reconciliation;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reconciliation records in the usage table: {@code pk = recon#<provider>}, {@code sk = <date>} for the day's
 * total and {@code <date>#<model>} per model. A re-run puts every record of the day (PutItem replaces an item
 * whole), then deletes the day's records this run did not produce (a model that no longer appears), so a day never
 * holds two verdicts and is never empty in between.
 */
public final class DynamoDbReconciliationStore implements ReconciliationStore {

    private final Supplier<DynamoDbClient> dynamo;
    private final String usageTable;

    public DynamoDbReconciliationStore(Supplier<DynamoDbClient> dynamo, String usageTable) {
        this.dynamo = dynamo;
        this.usageTable = usageTable;
    }

    @Override
    public void replaceDay(String provider, LocalDate day, List<Reconciliation> rows, String runId, Instant at) {
        String pk = "recon#" + provider;
        Set<String> written = new HashSet<>();
        for (Reconciliation row : rows) {
            dynamo.get().putItem(b -> b.tableName(usageTable).item(item(pk, row, runId, at)));
            written.add(row.key());
        }
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamo.get().query(b -> b.tableName(usageTable).consistentRead(true)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :day)")
                    .expressionAttributeValues(Map.of(":pk", s(pk), ":day", s(day.toString())))
                    .projectionExpression("pk, sk").exclusiveStartKey(from));
            for (Map<String, AttributeValue> key : page.items()) {
                if (!written.contains(key.get("sk").s())) {
                    dynamo.get().deleteItem(b -> b.tableName(usageTable).key(key));
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
    }

    static Map<String, AttributeValue> item(String pk, Reconciliation row, String runId, Instant at) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(pk));
        item.put("sk", s(row.key()));
        item.put("kind", s("reconciliation"));
        item.put("provider", s(row.provider()));
        item.put("day", s(row.day().toString()));
        if (row.model() != null) {
            item.put("model", s(row.model()));
        }
        item.put("status", s(row.status().label()));
        if (row.reason() != null) {
            item.put("reason", s(row.reason()));
        }
        item.put("ledgerNanos", n(row.ledgerNanos()));
        item.put("ledgerUsd", AttributeValue.fromN(Money.format(row.ledgerNanos())));
        item.put("ledgerPromptTokens", n(row.ledgerTokens().promptTokens()));
        item.put("ledgerCompletionTokens", n(row.ledgerTokens().completionTokens()));
        item.put("ledgerRequests", n(row.ledgerTokens().requests()));
        if (row.billedNanos() != null) {
            item.put("billedNanos", n(row.billedNanos()));
            item.put("billedUsd", AttributeValue.fromN(Money.format(row.billedNanos())));
            item.put("driftNanos", n(row.driftNanos()));
            item.put("driftUsd", AttributeValue.fromN(signed(row.driftNanos())));
            item.put("driftPct", AttributeValue.fromN(row.driftPct().toPlainString()));
        }
        if (row.billedTokens() != null) {
            item.put("billedPromptTokens", n(row.billedTokens().promptTokens()));
            item.put("billedCompletionTokens", n(row.billedTokens().completionTokens()));
            item.put("promptTokenDrift", n(row.promptTokenDrift()));
            item.put("completionTokenDrift", n(row.completionTokenDrift()));
            if (row.billedTokens().requests() >= 0) {
                item.put("billedRequests", n(row.billedTokens().requests()));
            }
        }
        item.put("runId", s(runId));
        item.put("checkedAt", s(at.toString()));
        return item;
    }

    static String signed(long nanos) {
        return nanos < 0 ? "-" + Money.format(-nanos) : Money.format(nanos);
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
