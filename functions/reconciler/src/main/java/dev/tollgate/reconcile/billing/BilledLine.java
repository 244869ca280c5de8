package dev.tollgate.reconcile.billing;

import dev.tollgate.reconcile.TokenCounts;

import java.math.BigDecimal;

/** What a provider billed for one model (canonical name) on one day: exact USD, and tokens where reported. */
public record BilledLine(String model, BigDecimal costUsd, TokenCounts tokens) {

    public BilledLine plusCost(BigDecimal usd) {
        return new BilledLine(model, costUsd.add(usd), tokens);
    }

    public BilledLine plusTokens(TokenCounts more) {
        return new BilledLine(model, costUsd, tokens == null ? more : tokens.plus(more));
    }
}
