package dev.tollgate.auth;

import dev.tollgate.config.GatewayKey;

import java.util.Optional;

/** Where gateway keys are looked up, by the SHA-256 of the plain key. */
@FunctionalInterface
public interface KeyStore {

    Optional<GatewayKey> find(String sha256);

    /** Keys listed in the routing config. */
    static KeyStore of(java.util.List<GatewayKey> keys) {
        java.util.Map<String, GatewayKey> byHash = new java.util.HashMap<>();
        keys.forEach(k -> byHash.put(k.sha256(), k));
        return sha256 -> Optional.ofNullable(byHash.get(sha256));
    }

    /** This store, then another. */
    default KeyStore orElse(KeyStore next) {
        return sha256 -> {
            Optional<GatewayKey> found = find(sha256);
            return found.isPresent() ? found : next.find(sha256);
        };
    }
}
