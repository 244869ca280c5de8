package dev.tollgate.store;

import dev.tollgate.budget.BudgetLimit;
import dev.tollgate.budget.BudgetStore;
import dev.tollgate.budget.LedgerEntry;
import dev.tollgate.budget.Reservation;
import dev.tollgate.budget.ReservationRefused;
import dev.tollgate.budget.WindowState;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Budgets on DynamoDB. Budgets table: {@code pk = scope}, {@code sk = limit} (the item users write) or
 * {@code window#<key>} (counters in nanodollars: committed = reserved + spent). State table: reservation records
 * ({@code resv#<id>}) and rate counters ({@code rate#<key>#<kind>#<minute>}), with {@code ttl}. Usage table: ledger
 * entries ({@code pk = day#<date>#<shard>, sk = req#<id>}) and daily aggregates ({@code pk = agg#<date>,
 * sk = <provider>#<model>}). Reserve, settle and release are each one transaction; conditions hold the limits,
 * since DynamoDB conditions cannot add: each charge passes {@code limit - amount} as its threshold.
 */
public final class DynamoDbBudgetStore implements BudgetStore {

    static final int LEDGER_SHARDS = 4;
    /** The state table's sparse index of reservations by expiry: only reservation items carry its keys. */
    static final String EXPIRY_INDEX = "expiry";
    /** Partitions of the expiry index, so the index's writes spread past one partition's limit. */
    static final int EXPIRY_SHARDS = 4;

    private final Supplier<DynamoDbClient> dynamo;
    private final String budgetsTable;
    private final String usageTable;
    private final String stateTable;

    public DynamoDbBudgetStore(Supplier<DynamoDbClient> dynamo, String budgetsTable, String usageTable,
                               String stateTable) {
        this.dynamo = dynamo;
        this.budgetsTable = budgetsTable;
        this.usageTable = usageTable;
        this.stateTable = stateTable;
    }

    @Override
    public Map<String, BudgetLimit> limits(Collection<String> scopes) {
        Map<String, BudgetLimit> limits = new HashMap<>();
        List<Map<String, AttributeValue>> keys = scopes.stream().distinct()
                .map(scope -> Map.of("pk", s(scope), "sk", s("limit"))).toList();
        for (Map<String, AttributeValue> item : batchGet(budgetsTable, keys)) {
            BudgetItems.limit(item).ifPresent(limit -> limits.put(limit.scope(), limit));
        }
        return limits;
    }

    /**
     * Every limit item, by scope (admin listing; a scan). An item the gateway cannot read maps to empty: the gateway
     * treats it as absent, so the admin tool must say so.
     */
    public Map<String, Optional<BudgetLimit>> limitItems() {
        Map<String, Optional<BudgetLimit>> limits = new TreeMap<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page = dynamo.get().scan(b -> b.tableName(budgetsTable).filterExpression("sk = :limit")
                    .expressionAttributeValues(Map.of(":limit", s("limit"))).exclusiveStartKey(from));
            page.items().forEach(item -> limits.put(item.get("pk").s(), BudgetItems.limit(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return limits;
    }

    @Override
    public void putLimit(BudgetLimit limit) {
        dynamo.get().putItem(b -> b.tableName(budgetsTable).item(BudgetItems.limitItem(limit)));
    }

    @Override
    public void reserve(Reservation r) throws ReservationRefused {
        List<TransactWriteItem> items = new ArrayList<>();
        for (Reservation.Charge c : r.charges()) {
            items.add(TransactWriteItem.builder().update(u -> u.tableName(budgetsTable)
                    .key(windowKey(c))
                    .updateExpression("ADD committed :a, reserved :a, requests :one")
                    .conditionExpression("attribute_not_exists(committed) OR committed <= :threshold")
                    .expressionAttributeValues(Map.of(":a", n(c.amountNanos()), ":one", n(1),
                            ":threshold", n(c.limitNanos() - c.amountNanos())))).build());
        }
        for (Reservation.RateCharge rate : r.rates()) {
            items.add(TransactWriteItem.builder().update(u -> u.tableName(stateTable)
                    .key(Map.of("pk", s(rate.item())))
                    .updateExpression("ADD n :a SET #ttl = :ttl")
                    .conditionExpression("attribute_not_exists(n) OR n <= :threshold")
                    .expressionAttributeNames(Map.of("#ttl", "ttl"))
                    .expressionAttributeValues(Map.of(":a", n(rate.amount()),
                            ":threshold", n(rate.limit() - rate.amount()),
                            ":ttl", n((rate.windowMinute() + 2) * 60)))).build());
        }
        items.add(TransactWriteItem.builder().put(p -> p.tableName(stateTable)
                .item(BudgetItems.reservationItem(r))
                .conditionExpression("attribute_not_exists(pk)")).build());
        try {
            dynamo.get().transactWriteItems(b -> b.transactItems(items));
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.cancellationReasons();
            for (int i = 0; i < reasons.size() && i < r.charges().size() + r.rates().size(); i++) {
                if ("ConditionalCheckFailed".equals(reasons.get(i).code())) {
                    throw i < r.charges().size() ? new ReservationRefused(r.charges().get(i), null)
                            : new ReservationRefused(null, r.rates().get(i - r.charges().size()));
                }
            }
            throw e;
        }
    }

    @Override
    public boolean settle(Reservation r, long actualNanos, long actualTokens, long reservedTokens, LedgerEntry entry) {
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(deleteReservation(r));
        for (Reservation.Charge c : r.charges()) {
            items.add(TransactWriteItem.builder().update(u -> u.tableName(budgetsTable).key(windowKey(c))
                    .updateExpression("ADD committed :delta, reserved :release, spent :actual")
                    .expressionAttributeValues(Map.of(":delta", n(actualNanos - c.amountNanos()),
                            ":release", n(-c.amountNanos()), ":actual", n(actualNanos)))).build());
        }
        r.rates().stream().filter(rate -> rate.kind().equals("tpm")).forEach(rate -> items.add(
                TransactWriteItem.builder().update(u -> u.tableName(stateTable).key(Map.of("pk", s(rate.item())))
                        .updateExpression("ADD n :delta")
                        .expressionAttributeValues(Map.of(":delta", n(actualTokens - reservedTokens)))).build()));
        items.addAll(ledgerItems(entry));
        return transact(items);
    }

    @Override
    public boolean release(Reservation r, LedgerEntry entry) {
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(deleteReservation(r));
        for (Reservation.Charge c : r.charges()) {
            items.add(TransactWriteItem.builder().update(u -> u.tableName(budgetsTable).key(windowKey(c))
                    .updateExpression("ADD committed :release, reserved :release")
                    .expressionAttributeValues(Map.of(":release", n(-c.amountNanos())))).build());
        }
        if (entry != null) {
            items.addAll(ledgerItems(entry));
        }
        return transact(items);
    }

    @Override
    public void record(LedgerEntry entry) {
        transact(ledgerItems(entry));
    }

    @Override
    public Map<String, WindowState> windows(Map<String, String> windowKeys) {
        Map<String, WindowState> windows = new HashMap<>();
        windowKeys.keySet().forEach(scope -> windows.put(scope, WindowState.EMPTY));
        List<Map<String, AttributeValue>> keys = windowKeys.entrySet().stream()
                .map(e -> Map.of("pk", s(e.getKey()), "sk", s("window#" + e.getValue()))).toList();
        for (Map<String, AttributeValue> item : batchGet(budgetsTable, keys)) {
            windows.put(item.get("pk").s(), BudgetItems.window(item));
        }
        return windows;
    }

    @Override
    public List<Reservation> expired(Instant now, int max) {
        // A Query per shard of the sparse expiry index reads only reservations past their expiry, oldest first,
        // instead of a Scan of every cooldown, rate counter and reservation in the table.
        List<Reservation> expired = new ArrayList<>();
        for (int shard = 0; shard < EXPIRY_SHARDS && expired.size() < max; shard++) {
            String partition = expiryShard(shard);
            Map<String, AttributeValue> start = null;
            do {
                Map<String, AttributeValue> from = start;
                int limit = max - expired.size();
                QueryResponse page = dynamo.get().query(b -> b.tableName(stateTable).indexName(EXPIRY_INDEX)
                        .keyConditionExpression("expiryShard = :shard AND expiresAt < :now")
                        .expressionAttributeValues(Map.of(":shard", s(partition), ":now", n(now.toEpochMilli())))
                        .limit(limit).exclusiveStartKey(from));
                page.items().forEach(item -> expired.add(BudgetItems.reservation(item)));
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            } while (start != null && expired.size() < max);
        }
        return expired.size() > max ? expired.subList(0, max) : expired;
    }

    @Override
    public List<LedgerEntry> ledger(String day) {
        List<LedgerEntry> entries = new ArrayList<>();
        for (int shard = 0; shard < LEDGER_SHARDS; shard++) {
            String pk = "day#" + day + "#" + shard;
            Map<String, AttributeValue> start = null;
            do {
                Map<String, AttributeValue> from = start;
                QueryResponse page = dynamo.get().query(b -> b.tableName(usageTable)
                        .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", s(pk)))
                        .exclusiveStartKey(from));
                page.items().forEach(item -> entries.add(BudgetItems.ledgerEntry(item)));
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            } while (start != null);
        }
        return entries;
    }

    private List<TransactWriteItem> ledgerItems(LedgerEntry entry) {
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(TransactWriteItem.builder().put(p -> p.tableName(usageTable)
                .item(BudgetItems.ledgerItem(entry, shard(entry.requestId())))
                .conditionExpression("attribute_not_exists(pk)")).build());
        if (entry.provider() != null) {
            items.add(TransactWriteItem.builder().update(u -> u.tableName(usageTable)
                    .key(Map.of("pk", s("agg#" + entry.day()), "sk", s(entry.provider() + "#" + entry.model())))
                    .updateExpression("ADD costNanos :c, requests :one, promptTokens :p, completionTokens :o, "
                            + "cachedTokens :k, cacheWriteTokens :w")
                    .expressionAttributeValues(Map.of(":c", n(entry.costNanos()), ":one", n(1),
                            ":p", n(entry.promptTokens()), ":o", n(entry.completionTokens()),
                            ":k", n(entry.cachedTokens()), ":w", n(entry.cacheWriteTokens())))).build());
        }
        return items;
    }

    private TransactWriteItem deleteReservation(Reservation r) {
        return TransactWriteItem.builder().delete(d -> d.tableName(stateTable)
                .key(Map.of("pk", s("resv#" + r.id()))).conditionExpression("attribute_exists(pk)")).build();
    }

    /** Runs a transaction whose first item guards idempotency; false when that guard says it already happened. */
    private boolean transact(List<TransactWriteItem> items) {
        try {
            dynamo.get().transactWriteItems(b -> b.transactItems(items));
            return true;
        } catch (TransactionCanceledException e) {
            if (e.cancellationReasons().stream().anyMatch(reason -> "ConditionalCheckFailed".equals(reason.code()))) {
                return false;
            }
            throw e;
        }
    }

    private List<Map<String, AttributeValue>> batchGet(String table, List<Map<String, AttributeValue>> keys) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int i = 0; i < keys.size(); i += 100) {
            Map<String, KeysAndAttributes> request = new LinkedHashMap<>();
            request.put(table, KeysAndAttributes.builder().keys(keys.subList(i, Math.min(keys.size(), i + 100))).build());
            while (!request.isEmpty()) {
                Map<String, KeysAndAttributes> ask = request;
                BatchGetItemResponse response = dynamo.get().batchGetItem(b -> b.requestItems(ask));
                items.addAll(response.responses().getOrDefault(table, List.of()));
                request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            }
        }
        return items;
    }

    private static Map<String, AttributeValue> windowKey(Reservation.Charge c) {
        return Map.of("pk", s(c.scope()), "sk", s("window#" + c.windowKey()));
    }

    /** The expiry index partition of a reservation. */
    static String expiryShard(String reservationId) {
        return expiryShard(Math.floorMod(reservationId.hashCode(), EXPIRY_SHARDS));
    }

    private static String expiryShard(int shard) {
        return "resv#" + shard;
    }

    static int shard(String requestId) {
        return Math.floorMod(requestId.hashCode(), LEDGER_SHARDS);
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
