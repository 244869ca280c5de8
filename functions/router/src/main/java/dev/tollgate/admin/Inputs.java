package dev.tollgate.admin;

import dev.tollgate.budget.Money;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/** Checks and converts option values; every refusal is a {@link UsageException} naming the option. */
final class Inputs {

    /** A plain decimal with at most nine places: exactly a whole number of nanodollars, below a billion dollars. */
    private static final Pattern USD = Pattern.compile("\\d{1,9}(\\.\\d{1,9})?");
    /** Key ids, teams and tiers: they become parts of item keys ({@code key#<id>}, {@code rate#<id>#rpm#...}). */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");
    private static final Pattern SCOPE = Pattern.compile("global|(key|team|feature|provider|model)#\\S+");
    private static final List<String> SCOPE_KINDS = List.of("global", "key#<id>", "team#<name>", "feature#<tag>",
            "provider#<name>", "model#<name>");

    private Inputs() {
    }

    static long usdNanos(String option, String text) {
        if (!USD.matcher(text).matches()) {
            throw new UsageException("--" + option + " must be a plain decimal amount of USD with at most 9 decimal "
                    + "places, e.g. 50 or 12.50 (got '" + text + "')");
        }
        return Money.nanos(new BigDecimal(text));
    }

    static String name(String option, String text) {
        if (!NAME.matcher(text).matches()) {
            throw new UsageException("--" + option + " must be letters, digits and . _ : @ - (at most 128), got '"
                    + text + "'");
        }
        return text;
    }

    static String scope(String text) {
        if (!SCOPE.matcher(text).matches()) {
            throw new UsageException("'" + text + "' is not a budget scope: use one of " + String.join(", ", SCOPE_KINDS));
        }
        return text;
    }

    /** A comma-separated list with no empty item. */
    static List<String> list(String option, String text) {
        List<String> items = Arrays.stream(text.split(",", -1)).map(String::trim).toList();
        if (items.stream().anyMatch(item -> item.isEmpty() || item.chars().anyMatch(Character::isWhitespace))) {
            throw new UsageException("--" + option + " must be a comma-separated list without blanks, got '" + text + "'");
        }
        return items;
    }

    static long count(String option, String text) {
        try {
            long value = Long.parseLong(text);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // Reported below.
        }
        throw new UsageException("--" + option + " must be a whole number >= 0, got '" + text + "'");
    }

    static int percent(String option, String text) {
        long value = count(option, text);
        if (value > 100) {
            throw new UsageException("--" + option + " must be between 0 and 100, got " + text);
        }
        return (int) value;
    }

    /** An instant ({@code 2027-01-31T00:00:00Z}, an offset time) or a date, meaning its start in UTC. */
    static Instant instant(String option, String text) {
        try {
            if (text.length() == 10) {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new UsageException("--" + option + " must be an ISO-8601 date or time, e.g. 2027-01-31 or "
                    + "2027-01-31T18:00:00Z, got '" + text + "'");
        }
    }

    static LocalDate date(String option, String text) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new UsageException("--" + option + " must be a date like 2026-11-25 (UTC), got '" + text + "'");
        }
    }

    /** One of the given words, case-insensitively; returned in lower case. */
    static String oneOf(String option, String text, List<String> words) {
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        if (!words.contains(lower)) {
            throw new UsageException("--" + option + " must be one of " + String.join(", ", words) + ", got '" + text + "'");
        }
        return lower;
    }
}
