package dev.tollgate.auth;

import dev.tollgate.config.GatewayKey;
import dev.tollgate.errors.ClientError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Gateway keys are looked up by their SHA-256 (only hashes at rest; no comparison of plain keys exists, so there is
 * no early-exit string compare to time): a key is accepted only when its exact bytes hash to a stored hash.
 */
class GatewayKeyComparisonTest {

    private static final String KEY = "tg-Live-Key-0123456789abcdef";
    private final GatewayKeys keys = new GatewayKeys(KeyStore.of(List.of(new GatewayKey("k", GatewayKeys.sha256(KEY),
            null, null, Set.of(), 0, 0, List.of(), false, null))), Clock.systemUTC());

    @Test
    void theExactKeyIsAccepted() {
        assertEquals("k", keys.authenticate("Bearer " + KEY).id());
        // Whitespace around a header value is not part of it (RFC 9110 5.5), so it is stripped before hashing.
        assertEquals("k", keys.authenticate("Bearer  " + KEY + " ").id());
    }

    @ParameterizedTest
    @ValueSource(strings = {"TG-LIVE-KEY-0123456789ABCDEF", "tg-live-key-0123456789abcdef", "tg-Live-Key-0123456789abcdeF",
            "tg-Live-Key -0123456789abcdef", "tg-Live-Key-0123456789abcdef\u00a0", "tg-Live-Key-0123456789abcde",
            "tg-Live-Key-0123456789abcdef0", "tg-Live-Key-0123456789abcdef\u200b"})
    void aKeyThatDiffersInCaseOrInnerWhitespaceOrOneCharacterIsRefused(String near) {
        ClientError refused = assertThrows(ClientError.class, () -> keys.authenticate("Bearer " + near));
        assertEquals(401, refused.status());
        assertEquals("invalid_api_key", refused.code());
    }

    @Test
    void theStoredHashItselfIsNotAKey() {
        assertThrows(ClientError.class, () -> keys.authenticate("Bearer " + GatewayKeys.sha256(KEY)));
    }
}
