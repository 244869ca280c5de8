package dev.tollgate.budget;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;

/** A budget's window, in UTC. The window key names the counter item; the end tells when it resets. */
public enum Period {
    DAILY, WEEKLY, MONTHLY, TOTAL;

    public static Period parse(String text) {
        return Period.valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
    }

    public String windowKey(Instant at) {
        LocalDate day = at.atZone(ZoneOffset.UTC).toLocalDate();
        return switch (this) {
            case DAILY -> day.toString();
            case WEEKLY -> day.get(IsoFields.WEEK_BASED_YEAR) + "-W" + String.format("%02d", day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            case MONTHLY -> day.toString().substring(0, 7);
            case TOTAL -> "total";
        };
    }

    /** When the window holding {@code at} ends (null for TOTAL). */
    public Instant windowEnd(Instant at) {
        LocalDate day = at.atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate next = switch (this) {
            case DAILY -> day.plusDays(1);
            case WEEKLY -> day.with(TemporalAdjusters.next(DayOfWeek.MONDAY));
            case MONTHLY -> day.with(TemporalAdjusters.firstDayOfNextMonth());
            case TOTAL -> null;
        };
        return next == null ? null : next.atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
