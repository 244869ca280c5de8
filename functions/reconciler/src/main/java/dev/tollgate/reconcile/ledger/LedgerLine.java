package dev.tollgate.reconcile.ledger;

import dev.tollgate.reconcile.TokenCounts;

/** What the ledger metered for one model (canonical name) on one day. */
public record LedgerLine(String model, long costNanos, TokenCounts tokens) {

    public LedgerLine plus(LedgerLine other) {
        return new LedgerLine(model, costNanos + other.costNanos, tokens.plus(other.tokens));
    }
}
