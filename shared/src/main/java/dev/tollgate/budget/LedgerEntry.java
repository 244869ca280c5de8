package dev.tollgate.budget;

import java.time.Instant;

/**
 * One request in the usage ledger: who, which route and target, tokens, exact cost, outcome. Written once per
 * request that reached routing, idempotently (its key is the request id).
 */
public record LedgerEntry(String requestId, Instant at, String keyId, String team, String feature, String route,
                          String provider, String model, long promptTokens, long completionTokens, long cachedTokens,
                          long cacheWriteTokens, long costNanos, boolean estimated, long latencyMs, String outcome,
                          int status, int attempts) {

    public String day() {
        return at.toString().substring(0, 10);
    }
}
