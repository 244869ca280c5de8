package dev.tollgate.admin;

import dev.tollgate.budget.BudgetLimit;
import dev.tollgate.budget.Budgets;
import dev.tollgate.budget.Money;
import dev.tollgate.budget.Period;
import dev.tollgate.budget.PriceBookCostModel;
import dev.tollgate.budget.WindowState;
import dev.tollgate.log.RequestLog;
import dev.tollgate.routing.PriceLookup;
import dev.tollgate.store.DynamoDbBudgetStore;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code budgets set | show | release-stale}: the limit items users own, and the windows the gateway keeps. */
final class BudgetsCommand {

    static final String USAGE = """
              budgets set --scope SCOPE --limit-usd 50 --period daily|weekly|monthly|total
                          [--soft-pct 80] [--on-soft alert|route:NAME] [--fail-mode closed|open]
                                  Create or replace the budget of a scope: global, key#<id>, team#<name>,
                                  feature#<tag>, provider#<name>, model#<name>.
              budgets show [--scope SCOPE]
                                  Limits and current windows: spent, reserved, committed, remaining, % used.
              budgets release-stale
                                  Give back reservations of invocations that died (the gateway also does this).
            """;

    private static final List<String> PERIODS = List.of("daily", "weekly", "monthly", "total");
    /** Passes of the releaser, 100 reservations each: bounded, in case gateways keep leaving new ones. */
    private static final int MAX_RELEASE_PASSES = 1000;

    private BudgetsCommand() {
    }

    static void run(String action, List<String> argv, AdminContext context) {
        switch (action) {
            case "set" -> set(Args.parse("budgets set", argv,
                    Set.of("scope", "limit-usd", "period", "soft-pct", "on-soft", "fail-mode")), context);
            case "show" -> show(Args.parse("budgets show", argv, Set.of("scope")), context);
            case "release-stale" -> releaseStale(Args.parse("budgets release-stale", argv, Set.of()), context);
            default -> throw new UsageException("unknown budgets command '" + action + "' (set, show, release-stale)");
        }
    }

    private static void set(Args args, AdminContext context) {
        String scope = Inputs.scope(args.required("scope"));
        long limit = Inputs.usdNanos("limit-usd", args.required("limit-usd"));
        Period period = Period.parse(Inputs.oneOf("period", args.required("period"), PERIODS));
        int softPct = args.optional("soft-pct").map(v -> Inputs.percent("soft-pct", v)).orElse(0);
        String onSoft = args.optional("on-soft").map(BudgetsCommand::onSoft).orElse("alert");
        if (softPct == 0 && args.optional("on-soft").isPresent()) {
            throw new UsageException("--on-soft needs a threshold: add --soft-pct (1-100)");
        }
        boolean failOpen = args.optional("fail-mode")
                .map(m -> Inputs.oneOf("fail-mode", m, List.of("closed", "open")).equals("open")).orElse(false);
        BudgetLimit budget = new BudgetLimit(scope, limit, period, softPct, onSoft, failOpen);
        context.budgets(args).putLimit(budget);
        context.out.println("Budget " + scope + ": $" + Money.format(limit) + " " + name(period)
                + (softPct > 0 ? ", at " + softPct + "%: " + onSoft : "") + ", fail mode " + (failOpen ? "open" : "closed")
                + ". Gateways apply it within 30 s (their limit cache).");
    }

    private static String onSoft(String text) {
        if (text.equals("alert")) {
            return text;
        }
        if (text.startsWith("route:") && text.length() > 6 && text.substring(6).chars().noneMatch(Character::isWhitespace)) {
            return text;
        }
        throw new UsageException("--on-soft must be alert or route:<route name>, got '" + text + "'");
    }

    private static void show(Args args, AdminContext context) {
        Optional<String> only = args.optional("scope").map(Inputs::scope);
        DynamoDbBudgetStore store = context.budgets(args);
        Map<String, Optional<BudgetLimit>> items = new java.util.TreeMap<>(store.limitItems());
        only.ifPresent(scope -> items.keySet().retainAll(Set.of(scope)));
        if (items.isEmpty()) {
            context.out.println(only.map(s -> "No budget for " + s + ".").orElse("No budgets in the table."));
            return;
        }
        Instant now = context.clock.instant();
        Map<String, String> windowKeys = new HashMap<>();
        items.forEach((scope, limit) -> limit.ifPresent(l -> windowKeys.put(scope, l.period().windowKey(now))));
        Map<String, WindowState> windows = windowKeys.isEmpty() ? Map.of() : store.windows(windowKeys);
        TextTable table = new TextTable().left("SCOPE").left("PERIOD").left("WINDOW").right("LIMIT $").right("SPENT $")
                .right("RESERVED $").right("COMMITTED $").right("REMAINING $").right("USED").left("SOFT")
                .left("FAIL MODE");
        items.forEach((scope, item) -> item.ifPresent(limit -> {
            WindowState w = windows.getOrDefault(scope, WindowState.EMPTY);
            table.row(scope, name(limit.period()), windowKeys.get(scope), Money.format(limit.limitNanos()),
                    Money.format(w.spentNanos()), Money.format(w.reservedNanos()), Money.format(w.committedNanos()),
                    Money.format(Math.max(0, limit.limitNanos() - w.committedNanos())),
                    percent(w.committedNanos(), limit.limitNanos()),
                    limit.softPct() > 0 ? limit.softPct() + "% " + limit.onSoft() : "-",
                    limit.failOpen() ? "open" : "closed");
        }));
        if (table.size() > 0) {
            table.print(context.out);
        }
        items.forEach((scope, item) -> {
            if (item.isEmpty()) {
                context.out.println("warning: the limit item of " + scope + " cannot be read (limitUsd, period, "
                        + "softPct?) and gateways ignore it; rewrite it with: budgets set --scope " + scope + " ...");
            }
        });
    }

    private static void releaseStale(Args args, AdminContext context) {
        Budgets budgets = new Budgets(context.budgets(args), new PriceBookCostModel(PriceLookup.CONFIGURED),
                context.clock, new RequestLog(line -> { }), false);
        int total = 0;
        for (int pass = 0; pass < MAX_RELEASE_PASSES; pass++) {
            int released = budgets.releaseExpired(context.clock.instant());
            total += released;
            if (released == 0) {
                break;
            }
        }
        context.out.println("Released " + total + " stale reservation" + (total == 1 ? "" : "s") + ".");
    }

    /** Committed as a share of the limit, one decimal, rounded up: usage is never understated. */
    static String percent(long committed, long limit) {
        if (limit <= 0) {
            return committed > 0 ? "100.0%" : "-";
        }
        return BigDecimal.valueOf(committed).multiply(BigDecimal.valueOf(100))
                .divide(BigDecimal.valueOf(limit), 1, RoundingMode.CEILING).toPlainString() + "%";
    }

    private static String name(Period period) {
        return period.name().toLowerCase(Locale.ROOT);
    }
}
