package dev.tollgate.reconcile.billing;

import dev.tollgate.reconcile.ModelNames;
import dev.tollgate.reconcile.TokenCounts;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Collects cost and usage results page by page. A day exists in the bill only once its cost bucket was seen
 * (even an empty one); tokens of a day without a cost bucket are dropped, since there is no bill to set them by.
 */
final class BillBuilder {

    private final LocalDate from;
    private final LocalDate to;
    private final Map<LocalDate, Map<String, BilledLine>> models = new HashMap<>();
    private final Map<LocalDate, BigDecimal> unattributed = new HashMap<>();
    private final Map<LocalDate, Map<String, TokenCounts>> tokens = new HashMap<>();

    BillBuilder(LocalDate from, LocalDate to) {
        this.from = from;
        this.to = to;
    }

    boolean inRange(LocalDate day) {
        return !day.isBefore(from) && !day.isAfter(to);
    }

    /** The provider returned a cost bucket for this day, with or without results. */
    void costBucket(LocalDate day) {
        if (inRange(day)) {
            models.computeIfAbsent(day, d -> new TreeMap<>());
            unattributed.putIfAbsent(day, BigDecimal.ZERO);
        }
    }

    /** A cost result; a null model is billed cost that names no model. */
    void cost(LocalDate day, String model, BigDecimal usd) {
        if (!inRange(day)) {
            return;
        }
        costBucket(day);
        if (model == null) {
            unattributed.merge(day, usd, BigDecimal::add);
        } else {
            String name = ModelNames.canonical(model);
            models.get(day).merge(name, new BilledLine(name, usd, null), (a, b) -> a.plusCost(b.costUsd()));
        }
    }

    void tokens(LocalDate day, String model, TokenCounts counts) {
        if (inRange(day)) {
            tokens.computeIfAbsent(day, d -> new HashMap<>()).merge(ModelNames.canonical(model), counts,
                    TokenCounts::plus);
        }
    }

    BilledUsage build(String provider) {
        Map<LocalDate, BilledDay> days = new HashMap<>();
        models.forEach((day, lines) -> {
            Map<String, BilledLine> merged = new TreeMap<>(lines);
            tokens.getOrDefault(day, Map.of()).forEach((model, counts) -> merged.merge(model,
                    new BilledLine(model, BigDecimal.ZERO, counts), (line, t) -> line.plusTokens(counts)));
            days.put(day, new BilledDay(day, merged, unattributed.get(day)));
        });
        return new BilledUsage(provider, days);
    }
}
