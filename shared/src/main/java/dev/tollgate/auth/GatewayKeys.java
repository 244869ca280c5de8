package dev.tollgate.auth;

import dev.tollgate.config.GatewayKey;
import dev.tollgate.errors.ClientError;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;

/**
 * Authenticates callers by the SHA-256 of their gateway key; plain keys are never kept. The lookup is by hash, so
 * response timing can reveal nothing of a key but whether its hash exists.
 */
public final class GatewayKeys {

    private final KeyStore store;
    private final Clock clock;

    public GatewayKeys(List<GatewayKey> keys) {
        this(KeyStore.of(keys), Clock.systemUTC());
    }

    public GatewayKeys(KeyStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** The key named by an {@code Authorization: Bearer} header, or a 401 error. */
    public GatewayKey authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw ClientError.missingApiKey();
        }
        String token = authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : authorization.trim();
        if (token.isEmpty()) {
            throw ClientError.missingApiKey();
        }
        GatewayKey key = store.find(sha256(token)).orElseThrow(ClientError::invalidApiKey);
        if (!key.usableAt(clock.instant())) {
            throw ClientError.keyRevoked();
        }
        return key;
    }

    public static String sha256(String plain) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(plain.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
