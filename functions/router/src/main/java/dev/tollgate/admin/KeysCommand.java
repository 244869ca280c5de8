package dev.tollgate.admin;

import dev.tollgate.auth.GatewayKeys;
import dev.tollgate.config.GatewayKey;
import dev.tollgate.store.DynamoDbKeyStore;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** {@code keys create | list | revoke}: gateway keys in the keys table, of which only the SHA-256 is stored. */
final class KeysCommand {

    static final String USAGE = """
              keys create --id ID [--team T] [--tier X] [--models a,b] [--rpm N] [--tpm N]
                          [--scopes s1,s2] [--expires 2027-01-31|2027-01-31T18:00:00Z]
                                  New random key; prints it once (stdout). Only its SHA-256 is stored.
              keys list           Every key: id, team, tier, models, rpm/tpm, status, expiry, hash prefix.
              keys revoke --id ID Revoke the key(s) with this id (gateways refuse them within their key cache time).
            """;

    private static final SecureRandom RANDOM = new SecureRandom();
    /** As much of a hash as a listing shows: enough to tell keys apart, useless to anyone else. */
    private static final int HASH_PREFIX = 8;

    private KeysCommand() {
    }

    static void run(String action, List<String> argv, AdminContext context) {
        switch (action) {
            case "create" -> create(Args.parse("keys create", argv,
                    Set.of("id", "team", "tier", "models", "rpm", "tpm", "scopes", "expires")), context);
            case "list" -> list(Args.parse("keys list", argv, Set.of()), context);
            case "revoke" -> revoke(Args.parse("keys revoke", argv, Set.of("id")), context);
            default -> throw new UsageException("unknown keys command '" + action + "' (create, list, revoke)");
        }
    }

    /** {@code tg-} and 32 random bytes (256 bits) in base64url. */
    static String newPlainKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "tg-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void create(Args args, AdminContext context) {
        String id = Inputs.name("id", args.required("id"));
        String team = args.optional("team").map(t -> Inputs.name("team", t)).orElse(null);
        String tier = args.optional("tier").map(t -> Inputs.name("tier", t)).orElse(null);
        Set<String> models = args.optional("models").map(m -> Set.copyOf(Inputs.list("models", m))).orElse(Set.of());
        long rpm = args.optional("rpm").map(v -> Inputs.count("rpm", v)).orElse(0L);
        long tpm = args.optional("tpm").map(v -> Inputs.count("tpm", v)).orElse(0L);
        List<String> scopes = args.optional("scopes")
                .map(s -> Inputs.list("scopes", s).stream().map(Inputs::scope).toList()).orElse(List.of());
        Instant expires = args.optional("expires").map(e -> Inputs.instant("expires", e)).orElse(null);
        Instant now = context.clock.instant();
        if (expires != null && !expires.isAfter(now)) {
            throw new UsageException("--expires " + expires + " is not in the future");
        }
        DynamoDbKeyStore store = context.keys(args);
        // Ids name budgets (key#<id>) and rate counters: two keys sharing one would share both.
        if (store.list().stream().anyMatch(k -> k.id().equals(id))) {
            throw new UsageException("a key with id '" + id + "' already exists (list them with: keys list)");
        }
        String plain = newPlainKey();
        String hash = GatewayKeys.sha256(plain);
        store.put(new GatewayKey(id, hash, team, tier, models, rpm, tpm, scopes, false, expires), now);
        context.out.println(plain);
        context.err.println("Created gateway key '" + id + "' (sha256 " + hash.substring(0, HASH_PREFIX) + "...).");
        context.err.println("This is the only time the key is shown: it is not stored anywhere, only its SHA-256. "
                + "Copy it now.");
    }

    private static void list(Args args, AdminContext context) {
        List<GatewayKey> keys = context.keys(args).list().stream()
                .sorted(Comparator.comparing(GatewayKey::id).thenComparing(GatewayKey::sha256)).toList();
        if (keys.isEmpty()) {
            context.out.println("No gateway keys in the table.");
            return;
        }
        Instant now = context.clock.instant();
        TextTable table = new TextTable().left("ID").left("TEAM").left("TIER").left("MODELS").right("RPM").right("TPM")
                .left("SCOPES").left("STATUS").left("EXPIRES").left("SHA256");
        for (GatewayKey key : keys) {
            table.row(key.id(), orDash(key.team()), orDash(key.tier()),
                    key.allowedModels().isEmpty() ? "(all)" : String.join(",", new TreeSet<>(key.allowedModels())),
                    key.rpm() > 0 ? Long.toString(key.rpm()) : "-", key.tpm() > 0 ? Long.toString(key.tpm()) : "-",
                    key.budgetScopes().isEmpty() ? "-" : String.join(",", key.budgetScopes()), status(key, now),
                    key.expiresAt() == null ? "-" : key.expiresAt().toString(),
                    key.sha256().substring(0, Math.min(HASH_PREFIX, key.sha256().length())));
        }
        table.print(context.out);
    }

    private static void revoke(Args args, AdminContext context) {
        String id = args.required("id");
        int revoked = context.keys(args).revoke(id);
        if (revoked == 0) {
            throw new UsageException("no key with id '" + id + "'");
        }
        context.out.println("Revoked " + (revoked == 1 ? "key '" + id + "'" : revoked + " keys with id '" + id + "'")
                + ". Gateways refuse it within their key cache time (TOLLGATE_KEY_CACHE_SECONDS, default 60).");
    }

    private static String status(GatewayKey key, Instant now) {
        if (key.revoked()) {
            return "revoked";
        }
        return key.usableAt(now) ? "active" : "expired";
    }

    private static String orDash(String text) {
        return text == null ? "-" : text;
    }
}
