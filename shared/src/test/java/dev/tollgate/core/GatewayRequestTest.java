package dev.tollgate.core;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Headers are looked up by any case, whichever door built them, and the request cannot be changed through them. */
class GatewayRequestTest {

    @Test
    void aPlainMapIsCopiedFoldedSoAnyCaseFindsTheHeaderAndTheRequestCannotBeChanged() {
        Map<String, String> given = new HashMap<>(Map.of("Authorization", "Bearer k"));
        GatewayRequest request = new GatewayRequest("post", "/v1/x", given, null);
        assertEquals("POST", request.method());
        assertEquals("Bearer k", request.header("authorization"));
        assertEquals("Bearer k", request.header("AUTHORIZATION"));
        assertEquals(0, request.body().length);
        given.put("Authorization", "Bearer other");
        assertEquals("Bearer k", request.header("authorization"), "a copy: the caller's map no longer matters");
        assertThrows(UnsupportedOperationException.class, () -> request.headers().put("x-api-key", "other"));
    }

    @Test
    void aMapAlreadyFoldedByTheServerIsUsedAsItIsAndCannotBeChangedThroughTheRequest() {
        TreeMap<String, String> parsed = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        parsed.put("X-Api-Key", "first");
        GatewayRequest request = new GatewayRequest("POST", "/v1/x", parsed, new byte[0]);
        assertEquals("first", request.header("x-api-key"));
        assertNull(request.header("authorization"));
        assertThrows(UnsupportedOperationException.class, () -> request.headers().put("x-api-key", "other"));
        parsed.put("Authorization", "Bearer k");
        assertEquals("Bearer k", request.header("authorization"), "wrapped, not copied: the server's map shows through");
    }
}
