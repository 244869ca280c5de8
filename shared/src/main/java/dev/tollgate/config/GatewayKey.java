package dev.tollgate.config;

/**
 * A gateway key allowed to call the gateway, known only by the SHA-256 of its plain text; team and tier (both
 * optional) are what conditional routes and budgets look at.
 */
public record GatewayKey(String id, String sha256, String team, String tier) {

    public GatewayKey(String id, String sha256) {
        this(id, sha256, null, null);
    }
}
