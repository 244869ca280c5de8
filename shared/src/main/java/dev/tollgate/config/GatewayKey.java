package dev.tollgate.config;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A gateway key allowed to call the gateway, known only by the SHA-256 of its plain text. Team and tier are what
 * conditional routes and budgets look at; {@code allowedModels} (empty: all) is enforced before any provider call;
 * rpm/tpm (0: none) are per-minute limits; {@code budgetScopes} are extra budget scopes the key draws on.
 */
public record GatewayKey(String id, String sha256, String team, String tier, Set<String> allowedModels, long rpm,
                         long tpm, List<String> budgetScopes, boolean revoked, Instant expiresAt) {

    public GatewayKey {
        allowedModels = allowedModels == null ? Set.of() : Set.copyOf(allowedModels);
        budgetScopes = budgetScopes == null ? List.of() : List.copyOf(budgetScopes);
    }

    public GatewayKey(String id, String sha256, String team, String tier) {
        this(id, sha256, team, tier, Set.of(), 0, 0, List.of(), false, null);
    }

    public GatewayKey(String id, String sha256) {
        this(id, sha256, null, null);
    }

    public boolean mayUse(String model) {
        return allowedModels.isEmpty() || allowedModels.contains(model);
    }

    public boolean usableAt(Instant now) {
        return !revoked && (expiresAt == null || now.isBefore(expiresAt));
    }
}
