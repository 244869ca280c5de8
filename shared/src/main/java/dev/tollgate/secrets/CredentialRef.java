package dev.tollgate.secrets;

/**
 * Where a target's provider key lives. Written in config as {@code env:NAME}, {@code secret:ID#field}
 * or {@code secret:#field} (the default provider secret), or {@code none} for keyless upstreams.
 */
public sealed interface CredentialRef {

    record Env(String variable) implements CredentialRef {
    }

    /** A field of a JSON secret in Secrets Manager; an empty secretId means the gateway's default secret. */
    record Secret(String secretId, String field) implements CredentialRef {
    }

    record None() implements CredentialRef {
    }

    /** Parses the config syntax; the message of the exception explains the expected forms. */
    static CredentialRef parse(String text) {
        if (text == null || text.isBlank() || text.equals("none")) {
            return new None();
        }
        if (text.startsWith("env:") && text.length() > 4) {
            return new Env(text.substring(4));
        }
        if (text.startsWith("secret:")) {
            String rest = text.substring(7);
            int hash = rest.lastIndexOf('#');
            String id = hash < 0 ? rest : rest.substring(0, hash);
            String field = hash < 0 ? "" : rest.substring(hash + 1);
            if (id.isEmpty() && field.isEmpty()) {
                throw new IllegalArgumentException("secret reference names neither a secret nor a field");
            }
            return new Secret(id, field);
        }
        throw new IllegalArgumentException(
                "expected 'env:VARIABLE', 'secret:SECRET_ID#field', 'secret:#field' or 'none'");
    }
}
