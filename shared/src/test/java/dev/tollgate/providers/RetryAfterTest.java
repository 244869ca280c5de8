package dev.tollgate.providers;

import org.junit.jupiter.api.Test;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RetryAfterTest {

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);

    private Duration from(Map<String, String> values) {
        return RetryAfter.from(HttpHeaders.of(values.entrySet().stream().collect(
                java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))), (a, b) -> true), clock);
    }

    @Test
    void deltaSecondsAndHttpDateAreBothRead() {
        assertEquals(Duration.ofSeconds(3), from(Map.of("retry-after", "3")));
        assertEquals(Duration.ofSeconds(30), from(Map.of("retry-after", "Wed, 25 Nov 2026 12:00:30 GMT")));
        assertEquals(Duration.ZERO, from(Map.of("retry-after", "Wed, 25 Nov 2026 11:00:00 GMT")));
    }

    @Test
    void millisecondHeadersWinOverSeconds() {
        assertEquals(Duration.ofMillis(250), from(Map.of("retry-after-ms", "250", "retry-after", "9")));
        assertEquals(Duration.ofMillis(400), from(Map.of("x-ms-retry-after-ms", "400")));
    }

    @Test
    void unreadableOrMissingHintsGiveNull() {
        assertNull(from(Map.of("retry-after", "soon")));
        assertNull(from(Map.of()));
    }
}
