package dev.tollgate.auth;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Key hashes are SHA-256 in lower-case hex, the same on every call and on every thread (the digest is cloned). */
class GatewayKeysHashTest {

    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    private static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    void hashesAreTheStandardSha256TestVectorsOnRepeatedCalls() {
        assertEquals(ABC, GatewayKeys.sha256("abc"));
        assertEquals(EMPTY, GatewayKeys.sha256(""));
        assertEquals(ABC, GatewayKeys.sha256("abc"), "no state carried over from an earlier call");
    }

    @Test
    void concurrentCallsDoNotShareDigestState() throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<String>> hashes = IntStream.range(0, 2000)
                    .mapToObj(i -> pool.submit(() -> GatewayKeys.sha256(i % 2 == 0 ? "abc" : "")))
                    .toList();
            for (int i = 0; i < hashes.size(); i++) {
                assertEquals(i % 2 == 0 ? ABC : EMPTY, hashes.get(i).get());
            }
        }
    }
}
