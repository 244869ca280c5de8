package dev.tollgate.providers;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Reads a provider's wait hint: {@code retry-after-ms}, {@code x-ms-retry-after-ms}, or {@code retry-after}. */
public final class RetryAfter {

    private RetryAfter() {
    }

    /** The hint, or null when the provider gave none that can be read. */
    public static Duration from(HttpHeaders headers, Clock clock) {
        for (String name : new String[] {"retry-after-ms", "x-ms-retry-after-ms"}) {
            String ms = headers.firstValue(name).orElse(null);
            if (ms != null) {
                try {
                    return Duration.ofMillis(Math.max(0, (long) Double.parseDouble(ms.trim())));
                } catch (NumberFormatException ignored) {
                    // fall through to the next header
                }
            }
        }
        String value = headers.firstValue("retry-after").orElse(null);
        return value == null ? null : parse(value, clock);
    }

    /** Delta-seconds or an HTTP-date. */
    public static Duration parse(String value, Clock clock) {
        String text = value.trim();
        try {
            return Duration.ofMillis(Math.max(0, (long) (Double.parseDouble(text) * 1000)));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(clock.instant(), at.toInstant());
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }
}
