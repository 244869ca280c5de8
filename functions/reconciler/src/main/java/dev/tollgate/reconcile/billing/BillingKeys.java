package dev.tollgate.reconcile.billing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.secrets.Credential;
import dev.tollgate.secrets.CredentialUnavailableException;
import dev.tollgate.secrets.SecretSource;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin keys the billing APIs need, kept apart from the inference keys: a JSON secret in Secrets Manager
 * ({@code {"openai_admin": "sk-admin-...", "anthropic_admin": "sk-ant-admin-..."}}; the plain provider names are
 * read too), or, with no secret configured, the variables {@code OPENAI_ADMIN_KEY} and {@code ANTHROPIC_ADMIN_KEY}
 * (by hand, locally). A provider without a key is simply absent; a secret that cannot be read is an error.
 */
public final class BillingKeys {

    private static final Map<String, List<String>> FIELDS = Map.of(
            "openai", List.of("openai_admin", "openai"),
            "anthropic", List.of("anthropic_admin", "anthropic"));
    private static final Map<String, String> VARIABLES = Map.of(
            "openai", "OPENAI_ADMIN_KEY",
            "anthropic", "ANTHROPIC_ADMIN_KEY");

    private BillingKeys() {
    }

    /** Keys by provider. Throws {@link CredentialUnavailableException} (naming the secret, never a value). */
    public static Map<String, Credential> load(Map<String, String> env, SecretSource secrets, String secretId) {
        Map<String, Credential> keys = new LinkedHashMap<>();
        if (secretId == null) {
            VARIABLES.forEach((provider, variable) -> {
                String value = env.get(variable);
                if (value != null && !value.isBlank()) {
                    keys.put(provider, new Credential(value.trim()));
                }
            });
            return keys;
        }
        JsonNode fields;
        try {
            fields = JsonCodec.MAPPER.readTree(secrets.read(secretId, ""));
        } catch (IOException e) {
            // The parser's message could quote the secret text, so the cause is dropped on purpose.
            throw new CredentialUnavailableException("billing secret " + secretId + " is not a JSON object", null);
        }
        if (fields == null || !fields.isObject()) {
            throw new CredentialUnavailableException("billing secret " + secretId + " is not a JSON object", null);
        }
        FIELDS.forEach((provider, names) -> names.stream()
                .map(fields::get)
                .filter(v -> v != null && v.isTextual() && !v.asText().isBlank())
                .findFirst()
                .ifPresent(v -> keys.put(provider, new Credential(v.asText().trim()))));
        return keys;
    }

    /** Why a provider with a billing API is not reconciled here. */
    public static String missing(String provider, String secretId) {
        List<String> names = FIELDS.get(provider);
        return secretId == null
                ? "no admin key: set TOLLGATE_BILLING_SECRET (field " + names.getFirst() + ") or "
                        + VARIABLES.get(provider)
                : "no admin key: the billing secret has no " + names.getFirst() + " field";
    }

    public static List<String> providers() {
        return List.of("openai", "anthropic");
    }
}
