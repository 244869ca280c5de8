package dev.tollgate.auth;

import dev.tollgate.config.GatewayKey;
import dev.tollgate.errors.ClientError;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Authenticates callers by the SHA-256 of their gateway key; plain keys are never kept. */
public final class GatewayKeys {

    private final Map<String, GatewayKey> byHash;

    public GatewayKeys(List<GatewayKey> keys) {
        this.byHash = keys.stream().collect(Collectors.toUnmodifiableMap(GatewayKey::sha256, Function.identity()));
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
        GatewayKey key = byHash.get(sha256(token));
        if (key == null) {
            throw ClientError.invalidApiKey();
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
