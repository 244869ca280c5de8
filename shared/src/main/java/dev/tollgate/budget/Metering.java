package dev.tollgate.budget;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.GatewayKey;
import dev.tollgate.config.Target;
import dev.tollgate.errors.ClientError;
import dev.tollgate.pricing.ModelPrice;
import dev.tollgate.providers.Usage;
import dev.tollgate.routing.AttemptGuard;
import dev.tollgate.routing.RequestFacts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Budgets and rate limits of one request. Before each attempt: hold the worst-case cost of that attempt on every
 * budget that applies (and, once, the key's rpm/tpm) in one conditional write. After a failed attempt: give it
 * back. At the end: settle to the actual cost and write the ledger entry in one write.
 */
public final class Metering implements AttemptGuard {

    /**
     * What the request cost, the tightest budget left after it (for response headers), and the highest use of its
     * budgets in percent (for the BudgetUsedPct metric; empty when no budget applied).
     */
    public record Settlement(long costNanos, boolean estimated, Optional<Map.Entry<String, Long>> tightest,
                             OptionalLong usedPct) {
    }

    private final Budgets budgets;
    private final String requestId;
    private final GatewayKey key;
    private final String feature;
    private final String route;
    private final RequestFacts facts;
    private final Map<String, BudgetLimit> applied = new HashMap<>();
    private Reservation held;
    private Target heldFor;
    private ModelPrice heldPrice;
    private long heldTokens;
    private int attempts;
    private boolean rateCounted;

    Metering(Budgets budgets, String requestId, GatewayKey key, String feature, String route, RequestFacts facts) {
        this.budgets = budgets;
        this.requestId = requestId;
        this.key = key;
        this.feature = feature;
        this.route = route;
        this.facts = facts;
    }

    @Override
    public boolean admit(Target target) {
        attempts++;
        List<String> requestScopes = Scopes.forRequest(key == null ? null : key.id(), key == null ? null : key.team(),
                feature, key == null ? List.of() : key.budgetScopes());
        List<String> scopes = new ArrayList<>(requestScopes);
        scopes.addAll(Scopes.forTarget(target.provider(), target.model()));
        Map<String, BudgetLimit> limits;
        try {
            limits = budgets.limits().limits(scopes);
        } catch (RuntimeException e) {
            budgets.log().error("budget limits could not be read", e);
            if (budgets.failOpenByDefault()) {
                return true;
            }
            throw ClientError.budgetStoreUnavailable();
        }
        List<Reservation.RateCharge> rates = rateCharges();
        if (limits.isEmpty() && rates.isEmpty()) {
            return true;
        }
        Optional<ModelPrice> price = budgets.costs().price(target);
        if (price.isEmpty() && !limits.isEmpty()) {
            // An unknown price under a hard budget cannot be held: this target is refused, others may do.
            return false;
        }
        long worst = price.map(p -> budgets.costs().worstCaseNanos(p, facts.estimatedPromptTokens(),
                facts.maxOutputTokens())).orElse(0L);
        Instant now = budgets.clock().instant();
        List<Reservation.Charge> charges = new ArrayList<>();
        for (BudgetLimit limit : limits.values()) {
            if (worst > limit.limitNanos()) {
                return refuse(new Reservation.Charge(limit.scope(), limit.period().windowKey(now), limit.limitNanos(),
                        worst, limit.period().windowEnd(now)), null);
            }
            charges.add(new Reservation.Charge(limit.scope(), limit.period().windowKey(now), limit.limitNanos(), worst,
                    limit.period().windowEnd(now)));
        }
        Reservation reservation = new Reservation(requestId + "#" + attempts, requestId, charges, rates, worst,
                now.plus(Budgets.RESERVATION_LIFETIME));
        try {
            budgets.store().reserve(reservation);
        } catch (ReservationRefused refused) {
            return refuse(refused.charge(), refused.rate());
        } catch (RuntimeException e) {
            budgets.log().error("budget reservation failed", e);
            if (limits.values().stream().allMatch(BudgetLimit::failOpen)) {
                return true;
            }
            throw ClientError.budgetStoreUnavailable();
        }
        rateCounted = true;
        held = reservation;
        heldFor = target;
        heldPrice = price.orElse(null);
        heldTokens = rates.stream().filter(r -> r.kind().equals("tpm")).mapToLong(Reservation.RateCharge::amount).sum();
        applied.clear();
        applied.putAll(limits);
        return true;
    }

    private List<Reservation.RateCharge> rateCharges() {
        if (key == null || rateCounted) {
            return List.of();
        }
        long minute = budgets.clock().instant().getEpochSecond() / 60;
        List<Reservation.RateCharge> rates = new ArrayList<>();
        if (key.rpm() > 0) {
            rates.add(new Reservation.RateCharge(key.id(), "rpm", minute, key.rpm(), 1));
        }
        if (key.tpm() > 0) {
            rates.add(new Reservation.RateCharge(key.id(), "tpm", minute, key.tpm(),
                    facts.estimatedPromptTokens() + facts.maxOutputTokens()));
        }
        return rates;
    }

    private boolean refuse(Reservation.Charge charge, Reservation.RateCharge rate) {
        if (rate != null) {
            long secondsLeft = 60 - budgets.clock().instant().getEpochSecond() % 60;
            throw ClientError.keyRateLimited(rate.kind(), rate.limit(), Duration.ofSeconds(secondsLeft));
        }
        if (Scopes.targetSpecific(charge.scope())) {
            return false;
        }
        throw ClientError.budgetExceeded(charge.scope(), "the limit of $" + Money.format(charge.limitNanos())
                + " for this period would be exceeded");
    }

    @Override
    public void attemptFailed(Target target) {
        if (held != null) {
            try {
                budgets.store().release(held, null);
            } catch (RuntimeException e) {
                budgets.log().error("budget release failed; the janitor will release it", e);
            }
            held = null;
        }
    }

    /**
     * Ends the request: settle the hold to the actual cost (or record a ledger entry when nothing was held).
     *
     * @param answered  the target that answered, or null when none did
     * @param estimated whether the usage is an estimate (a stream that broke before its usage arrived)
     */
    public Settlement complete(Target answered, Usage usage, boolean estimated, String outcome, int status,
                               long latencyMs, int attemptCount) {
        // The price the hold was made at is the price settled at, even if the book changed meanwhile.
        Optional<ModelPrice> price = answered == null ? Optional.empty()
                : heldFor != null && answered.id().equals(heldFor.id()) && heldPrice != null ? Optional.of(heldPrice)
                : budgets.costs().price(answered);
        long cost = price.map(p -> budgets.costs().costNanos(p, usage)).orElse(0L);
        Instant now = budgets.clock().instant();
        LedgerEntry entry = new LedgerEntry(requestId, now, key == null ? null : key.id(),
                key == null ? null : key.team(), feature, route, answered == null ? null : answered.provider(),
                answered == null ? null : answered.model(), usage.promptTokens(), usage.completionTokens(),
                usage.cachedTokens(), usage.cacheWriteTokens(), cost, estimated, latencyMs, outcome, status,
                attemptCount);
        try {
            if (held != null && answered != null && answered.id().equals(heldFor.id())) {
                budgets.store().settle(held, cost, usage.totalTokens(), heldTokens, entry);
            } else if (held != null) {
                budgets.store().release(held, entry);
            } else {
                budgets.store().record(entry);
            }
        } catch (RuntimeException e) {
            ObjectNode event = budgets.log().event("ERROR", "budget settlement failed");
            event.put("request_id", requestId);
            event.put("cost_usd", Money.format(cost));
            event.put("error", e.getClass().getName());
            budgets.log().write(event);
        }
        held = null;
        if (applied.isEmpty()) {
            return new Settlement(cost, estimated, Optional.empty(), OptionalLong.empty());
        }
        Optional<Map.Entry<String, Long>> tightest = budgets.tightest(applied, cost);
        return new Settlement(cost, estimated, tightest, budgets.highestUsedPct(applied));
    }
}
