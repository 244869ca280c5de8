package dev.tollgate.it;

import dev.tollgate.core.GatewayFactory;
import dev.tollgate.secrets.CredentialRef;
import dev.tollgate.secrets.CredentialResolver;
import dev.tollgate.secrets.CredentialUnavailableException;
import dev.tollgate.secrets.SecretsManagerSecretSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.CreateSecretRequest;
import software.amazon.awssdk.services.secretsmanager.model.DeleteSecretRequest;
import software.amazon.awssdk.services.secretsmanager.model.PutSecretValueRequest;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway's secrets component against a real Secrets Manager wire protocol: moto's server under
 * {@code ./tollgate test}, or any endpoint named by AWS_ENDPOINT_URL (LocalStack, or a real account when unset
 * and credentials are present). The secret is created through the normal SDK; nothing test-only in the path.
 */
class SecretsManagerIntegrationTest {

    private static final Map<String, String> ENV = System.getenv();
    private static final String SECRET_ID = "tollgate-it/providers-" + UUID.randomUUID();
    private static SecretsManagerClient admin;

    @BeforeAll
    static void createSecret() {
        AwsTestEnvironment.require();
        admin = GatewayFactory.secretsManager(ENV);
        admin.createSecret(CreateSecretRequest.builder().name(SECRET_ID)
                .secretString("{\"openai\":\"sk-it-first\",\"groq\":\"gsk-it\"}").build());
    }

    @AfterAll
    static void deleteSecret() {
        if (admin != null) {
            admin.deleteSecret(DeleteSecretRequest.builder().secretId(SECRET_ID).forceDeleteWithoutRecovery(true).build());
            admin.close();
        }
    }

    @Test
    void gatewayReadsProviderKeysFromTheDefaultSecret() {
        SecretsManagerSecretSource source = new SecretsManagerSecretSource(
                () -> GatewayFactory.secretsManager(ENV), Duration.ofMinutes(5), Clock.systemUTC());
        CredentialResolver resolver = new CredentialResolver(Map.of(), source, SECRET_ID);
        assertEquals("sk-it-first", resolver.resolve(CredentialRef.parse("secret:#openai")).orElseThrow().reveal());
        assertEquals("gsk-it", resolver.resolve(CredentialRef.parse("secret:" + SECRET_ID + "#groq")).orElseThrow().reveal());
    }

    @Test
    void aRotatedKeyIsSeenOnceTheCacheIsInvalidated() {
        SecretsManagerSecretSource source = new SecretsManagerSecretSource(
                () -> GatewayFactory.secretsManager(ENV), Duration.ofMinutes(5), Clock.systemUTC());
        assertEquals("sk-it-first", source.read(SECRET_ID, "openai"));
        admin.putSecretValue(PutSecretValueRequest.builder().secretId(SECRET_ID)
                .secretString("{\"openai\":\"sk-it-rotated\",\"groq\":\"gsk-it\"}").build());
        assertEquals("sk-it-first", source.read(SECRET_ID, "openai"), "cached within the TTL");
        source.invalidate();
        assertEquals("sk-it-rotated", source.read(SECRET_ID, "openai"));
        admin.putSecretValue(PutSecretValueRequest.builder().secretId(SECRET_ID)
                .secretString("{\"openai\":\"sk-it-first\",\"groq\":\"gsk-it\"}").build());
    }

    @Test
    void aMissingSecretFailsWithoutLeakingAnything() {
        SecretsManagerSecretSource source = new SecretsManagerSecretSource(
                () -> GatewayFactory.secretsManager(ENV), Duration.ofMinutes(5), Clock.systemUTC());
        CredentialUnavailableException e = assertThrows(CredentialUnavailableException.class,
                () -> source.read("tollgate-it/does-not-exist", "openai"));
        assertTrue(e.getMessage().contains("tollgate-it/does-not-exist"));
        CredentialUnavailableException field = assertThrows(CredentialUnavailableException.class,
                () -> source.read(SECRET_ID, "anthropic"));
        assertFalse(field.getMessage().contains("sk-it"), field.getMessage());
    }
}
