package dev.tollgate.auth;

import dev.tollgate.config.GatewayKey;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Key lookups cached per process: a warm function reads the keys table once per key per TTL, so a revocation takes
 * effect within the TTL. Unknown hashes are cached too (for less time), so a flood of bad keys does not become a
 * flood of DynamoDB reads.
 */
public final class CachedKeyStore implements KeyStore {

    private record Entry(Optional<GatewayKey> key, Instant until) {
    }

    private static final int MAX_ENTRIES = 50_000;

    private final KeyStore store;
    private final Duration ttl;
    private final Duration negativeTtl;
    private final Clock clock;
    private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();

    public CachedKeyStore(KeyStore store, Duration ttl, Duration negativeTtl, Clock clock) {
        this.store = store;
        this.ttl = ttl;
        this.negativeTtl = negativeTtl;
        this.clock = clock;
    }

    @Override
    public Optional<GatewayKey> find(String sha256) {
        Instant now = clock.instant();
        Entry entry = cache.get(sha256);
        if (entry != null && now.isBefore(entry.until())) {
            return entry.key();
        }
        Optional<GatewayKey> key = store.find(sha256);
        if (cache.size() >= MAX_ENTRIES) {
            cache.clear();
        }
        cache.put(sha256, new Entry(key, now.plus(key.isPresent() ? ttl : negativeTtl)));
        return key;
    }
}
