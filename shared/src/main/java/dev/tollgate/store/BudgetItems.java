package dev.tollgate.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.budget.BudgetLimit;
import dev.tollgate.budget.LedgerEntry;
import dev.tollgate.budget.Money;
import dev.tollgate.budget.Period;
import dev.tollgate.budget.Reservation;
import dev.tollgate.budget.WindowState;
import dev.tollgate.json.JsonCodec;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** DynamoDB item shapes of budgets, windows, reservations and ledger entries (see docs/data-model.md). */
final class BudgetItems {

    private BudgetItems() {
    }

    /**
     * A limit item as a user writes it: {@code limitUsd} (N or S, exact decimal), {@code period}, optional
     * {@code softPct}, {@code onSoft} ({@code alert} or {@code route:<model>}), {@code failMode} (open|closed).
     * An item that cannot be read is treated as absent and logged by the caller's absence of effect.
     */
    static Optional<BudgetLimit> limit(Map<String, AttributeValue> item) {
        try {
            AttributeValue usd = item.get("limitUsd");
            BigDecimal limit = new BigDecimal(usd.n() != null ? usd.n() : usd.s());
            Period period = Period.parse(item.containsKey("period") ? item.get("period").s() : "monthly");
            int soft = item.containsKey("softPct") ? Integer.parseInt(item.get("softPct").n()) : 0;
            String onSoft = item.containsKey("onSoft") ? item.get("onSoft").s() : "alert";
            boolean failOpen = item.containsKey("failMode") && "open".equalsIgnoreCase(item.get("failMode").s());
            return Optional.of(new BudgetLimit(item.get("pk").s(), Money.nanos(limit), period, soft, onSoft, failOpen));
        } catch (RuntimeException malformed) {
            return Optional.empty();
        }
    }

    static Map<String, AttributeValue> limitItem(BudgetLimit limit) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", AttributeValue.fromS(limit.scope()));
        item.put("sk", AttributeValue.fromS("limit"));
        item.put("limitUsd", AttributeValue.fromN(Money.format(limit.limitNanos())));
        item.put("period", AttributeValue.fromS(limit.period().name().toLowerCase(java.util.Locale.ROOT)));
        item.put("softPct", AttributeValue.fromN(Integer.toString(limit.softPct())));
        item.put("onSoft", AttributeValue.fromS(limit.onSoft() == null ? "alert" : limit.onSoft()));
        item.put("onHard", AttributeValue.fromS("block"));
        item.put("failMode", AttributeValue.fromS(limit.failOpen() ? "open" : "closed"));
        return item;
    }

    static WindowState window(Map<String, AttributeValue> item) {
        return new WindowState(num(item, "committed"), num(item, "spent"), num(item, "reserved"), num(item, "requests"));
    }

    static Map<String, AttributeValue> reservationItem(Reservation r) {
        ObjectNode body = JsonCodec.object();
        body.put("id", r.id());
        body.put("requestId", r.requestId());
        body.put("amount", r.amountNanos());
        ArrayNode charges = body.putArray("charges");
        r.charges().forEach(c -> {
            ObjectNode charge = charges.addObject();
            charge.put("scope", c.scope());
            charge.put("window", c.windowKey());
            charge.put("limit", c.limitNanos());
            charge.put("amount", c.amountNanos());
        });
        ArrayNode rates = body.putArray("rates");
        r.rates().forEach(rate -> {
            ObjectNode node = rates.addObject();
            node.put("key", rate.keyId());
            node.put("kind", rate.kind());
            node.put("minute", rate.windowMinute());
            node.put("limit", rate.limit());
            node.put("amount", rate.amount());
        });
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", AttributeValue.fromS("resv#" + r.id()));
        item.put("kind", AttributeValue.fromS("reservation"));
        item.put("body", AttributeValue.fromS(new String(JsonCodec.bytes(body), StandardCharsets.UTF_8)));
        item.put("expiresAt", AttributeValue.fromN(Long.toString(r.expiresAt().toEpochMilli())));
        item.put("expiryShard", AttributeValue.fromS(DynamoDbBudgetStore.expiryShard(r.id())));
        item.put("ttl", AttributeValue.fromN(Long.toString(r.expiresAt().plus(Duration.ofDays(2)).getEpochSecond())));
        return item;
    }

    static Reservation reservation(Map<String, AttributeValue> item) {
        JsonNode body;
        try {
            body = JsonCodec.parse(item.get("body").s().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Reservation.Charge> charges = new ArrayList<>();
        body.path("charges").forEach(c -> charges.add(new Reservation.Charge(c.path("scope").asText(),
                c.path("window").asText(), c.path("limit").asLong(), c.path("amount").asLong(), null)));
        List<Reservation.RateCharge> rates = new ArrayList<>();
        body.path("rates").forEach(r -> rates.add(new Reservation.RateCharge(r.path("key").asText(),
                r.path("kind").asText(), r.path("minute").asLong(), r.path("limit").asLong(), r.path("amount").asLong())));
        return new Reservation(body.path("id").asText(), body.path("requestId").asText(), charges, rates,
                body.path("amount").asLong(), Instant.ofEpochMilli(Long.parseLong(item.get("expiresAt").n())));
    }

    static Map<String, AttributeValue> ledgerItem(LedgerEntry e, int shard) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", AttributeValue.fromS("day#" + e.day() + "#" + shard));
        item.put("sk", AttributeValue.fromS("req#" + e.requestId()));
        item.put("requestId", AttributeValue.fromS(e.requestId()));
        item.put("at", AttributeValue.fromS(e.at().toString()));
        putText(item, "keyId", e.keyId());
        putText(item, "team", e.team());
        putText(item, "feature", e.feature());
        putText(item, "route", e.route());
        putText(item, "provider", e.provider());
        putText(item, "model", e.model());
        item.put("promptTokens", AttributeValue.fromN(Long.toString(e.promptTokens())));
        item.put("completionTokens", AttributeValue.fromN(Long.toString(e.completionTokens())));
        item.put("cachedTokens", AttributeValue.fromN(Long.toString(e.cachedTokens())));
        item.put("cacheWriteTokens", AttributeValue.fromN(Long.toString(e.cacheWriteTokens())));
        item.put("costNanos", AttributeValue.fromN(Long.toString(e.costNanos())));
        item.put("costUsd", AttributeValue.fromN(Money.format(e.costNanos())));
        item.put("estimated", AttributeValue.fromBool(e.estimated()));
        item.put("latencyMs", AttributeValue.fromN(Long.toString(e.latencyMs())));
        item.put("outcome", AttributeValue.fromS(e.outcome()));
        item.put("status", AttributeValue.fromN(Integer.toString(e.status())));
        item.put("attempts", AttributeValue.fromN(Integer.toString(e.attempts())));
        return item;
    }

    static LedgerEntry ledgerEntry(Map<String, AttributeValue> item) {
        return new LedgerEntry(item.get("requestId").s(), Instant.parse(item.get("at").s()), text(item, "keyId"),
                text(item, "team"), text(item, "feature"), text(item, "route"), text(item, "provider"),
                text(item, "model"), num(item, "promptTokens"), num(item, "completionTokens"),
                num(item, "cachedTokens"), num(item, "cacheWriteTokens"), num(item, "costNanos"),
                item.containsKey("estimated") && item.get("estimated").bool(), num(item, "latencyMs"),
                text(item, "outcome"), (int) num(item, "status"), (int) num(item, "attempts"));
    }

    private static void putText(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, AttributeValue.fromS(value));
        }
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    private static long num(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
    }
}
