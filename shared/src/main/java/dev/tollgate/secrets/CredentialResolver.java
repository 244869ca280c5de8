package dev.tollgate.secrets;

import java.util.Map;
import java.util.Optional;

/** Turns a target's credential reference into the key itself, from the environment or Secrets Manager. */
public final class CredentialResolver {

    private final Map<String, String> environment;
    private final SecretSource secrets;
    private final String defaultSecretId;

    public CredentialResolver(Map<String, String> environment, SecretSource secrets, String defaultSecretId) {
        this.environment = Map.copyOf(environment);
        this.secrets = secrets;
        this.defaultSecretId = defaultSecretId;
    }

    /** Empty for a keyless target; throws when a key is named but cannot be had. */
    public Optional<Credential> resolve(CredentialRef ref) {
        return switch (ref) {
            case CredentialRef.None none -> Optional.empty();
            case CredentialRef.Env env -> Optional.of(fromEnvironment(env.variable()));
            case CredentialRef.Secret secret -> Optional.of(fromSecret(secret));
        };
    }

    private Credential fromEnvironment(String variable) {
        String value = environment.get(variable);
        if (value == null || value.isBlank()) {
            throw new CredentialUnavailableException("environment variable " + variable + " is not set", null);
        }
        return new Credential(value);
    }

    private Credential fromSecret(CredentialRef.Secret ref) {
        String id = ref.secretId().isEmpty() ? defaultSecretId : ref.secretId();
        if (id == null || id.isBlank()) {
            throw new CredentialUnavailableException(
                    "no default provider secret configured (set TOLLGATE_PROVIDER_SECRET)", null);
        }
        if (secrets == null) {
            throw new CredentialUnavailableException("no secret source configured", null);
        }
        return new Credential(secrets.read(id, ref.field()));
    }
}
