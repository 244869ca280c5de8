package dev.tollgate.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.json.JsonCodec;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Provider keys from AWS Secrets Manager, cached in memory for a TTL so that a warm function makes one
 * call per secret per TTL, and a rotated key is picked up within the TTL.
 */
public final class SecretsManagerSecretSource implements SecretSource {

    private record Cached(String secretString, Instant fetchedAt) {
    }

    private final Supplier<SecretsManagerClient> client;
    private final Duration ttl;
    private final Clock clock;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    public SecretsManagerSecretSource(Supplier<SecretsManagerClient> client, Duration ttl, Clock clock) {
        this.client = client;
        this.ttl = ttl;
        this.clock = clock;
    }

    @Override
    public String read(String secretId, String field) {
        String secretString = secretString(secretId);
        if (field == null || field.isEmpty()) {
            return secretString;
        }
        JsonNode fields;
        try {
            fields = JsonCodec.MAPPER.readTree(secretString);
        } catch (IOException e) {
            // The parser's message could quote the secret text, so the cause is dropped on purpose.
            throw new CredentialUnavailableException("secret " + secretId + " is not a JSON object", null);
        }
        JsonNode value = fields == null ? null : fields.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new CredentialUnavailableException("secret " + secretId + " has no field '" + field + "'", null);
        }
        return value.asText();
    }

    /** Drops cached values, e.g. after a SnapStart restore, so the next read fetches afresh. */
    public void invalidate() {
        cache.clear();
    }

    private String secretString(String secretId) {
        Instant now = clock.instant();
        Cached cached = cache.get(secretId);
        if (cached != null && now.isBefore(cached.fetchedAt().plus(ttl))) {
            return cached.secretString();
        }
        String value;
        try {
            value = client.get().getSecretValue(GetSecretValueRequest.builder().secretId(secretId).build())
                    .secretString();
        } catch (RuntimeException e) {
            throw new CredentialUnavailableException("could not read secret " + secretId + ": "
                    + e.getClass().getSimpleName(), e);
        }
        if (value == null) {
            throw new CredentialUnavailableException("secret " + secretId + " has no string value", null);
        }
        cache.put(secretId, new Cached(value, now));
        return value;
    }
}
