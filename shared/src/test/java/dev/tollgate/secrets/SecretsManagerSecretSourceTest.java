package dev.tollgate.secrets;

import dev.tollgate.testing.SettableClock;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretsManagerSecretSourceTest {

    /** A clock the test moves by hand. */

    /** An in-memory double of the SDK client answering one secret and counting calls. */
    private static final class CountingClient implements SecretsManagerClient {
        final AtomicInteger calls = new AtomicInteger();
        volatile String value = "{\"openai\":\"sk-first\",\"anthropic\":\"sk-ant\"}";

        @Override
        public GetSecretValueResponse getSecretValue(GetSecretValueRequest request) {
            calls.incrementAndGet();
            if (!request.secretId().equals("tollgate/providers")) {
                throw ResourceNotFoundException.builder().message("Secrets Manager can't find the specified secret.").build();
            }
            return GetSecretValueResponse.builder().secretString(value).build();
        }

        @Override
        public String serviceName() {
            return "secretsmanager";
        }

        @Override
        public void close() {
        }
    }

    private final SettableClock clock = new SettableClock("2026-11-25T12:00:00Z");
    private final CountingClient client = new CountingClient();
    private final SecretsManagerSecretSource source =
            new SecretsManagerSecretSource(() -> client, Duration.ofMinutes(5), clock);

    @Test
    void fieldsAreReadFromOneCachedFetchUntilTheTtlPasses() {
        assertEquals("sk-first", source.read("tollgate/providers", "openai"));
        assertEquals("sk-ant", source.read("tollgate/providers", "anthropic"));
        assertEquals(1, client.calls.get(), "one call per secret per TTL");

        client.value = "{\"openai\":\"sk-rotated\"}";
        clock.now = clock.now.plus(Duration.ofMinutes(4));
        assertEquals("sk-first", source.read("tollgate/providers", "openai"));
        clock.now = clock.now.plus(Duration.ofMinutes(2));
        assertEquals("sk-rotated", source.read("tollgate/providers", "openai"), "a rotated key is seen after the TTL");
        assertEquals(2, client.calls.get());
    }

    @Test
    void errorsNameTheSecretButNeverItsValue() {
        CredentialUnavailableException missingField = assertThrows(CredentialUnavailableException.class,
                () -> source.read("tollgate/providers", "gemini"));
        assertTrue(missingField.getMessage().contains("no field 'gemini'"));
        assertFalse(missingField.getMessage().contains("sk-"));

        client.value = "sk-not-json";
        clock.now = clock.now.plus(Duration.ofHours(1));
        CredentialUnavailableException notJson = assertThrows(CredentialUnavailableException.class,
                () -> source.read("tollgate/providers", "openai"));
        assertFalse(notJson.getMessage().contains("sk-not-json"), notJson.getMessage());

        CredentialUnavailableException missing = assertThrows(CredentialUnavailableException.class,
                () -> source.read("other", "openai"));
        assertTrue(missing.getMessage().contains("could not read secret other"));
    }

    @Test
    void credentialsNeverPrintTheirValue() {
        Credential credential = new Credential("sk-live-abc");
        assertEquals("Credential[***]", credential.toString());
        assertEquals("key [redacted] failed", credential.redactFrom("key sk-live-abc failed"));
    }

    @Test
    void credentialReferencesParseAllForms() {
        assertEquals(new CredentialRef.Env("OPENAI_API_KEY"), CredentialRef.parse("env:OPENAI_API_KEY"));
        assertEquals(new CredentialRef.Secret("arn:aws:secretsmanager:us-east-1:1:secret:x", "openai"),
                CredentialRef.parse("secret:arn:aws:secretsmanager:us-east-1:1:secret:x#openai"));
        assertEquals(new CredentialRef.Secret("", "openai"), CredentialRef.parse("secret:#openai"));
        assertEquals(new CredentialRef.None(), CredentialRef.parse("none"));
        assertThrows(IllegalArgumentException.class, () -> CredentialRef.parse("plain-text-key"));
    }
}
