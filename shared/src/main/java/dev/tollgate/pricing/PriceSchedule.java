package dev.tollgate.pricing;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * The prices of one model over time, as genai-prices lists them: entries are tried last to first and the first
 * whose constraint holds at the request's instant wins; if none holds, the first entry applies. A plain price is a
 * schedule of one unconstrained entry. An entry without a price (the feed lacks an input or output rate) answers
 * "unknown", never zero.
 */
public record PriceSchedule(List<Entry> entries) {

    public PriceSchedule {
        entries = List.copyOf(entries);
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("a price schedule needs at least one entry");
        }
    }

    /** One price set and when it applies; {@code price} is null when the feed gives no usable price. */
    public record Entry(Constraint constraint, ModelPrice price) {
    }

    public static PriceSchedule always(ModelPrice price) {
        return new PriceSchedule(List.of(new Entry(Constraint.ALWAYS, price)));
    }

    /** The price in force at {@code at}, or empty when the entry in force has no known price. */
    public Optional<ModelPrice> at(Instant at) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            Entry entry = entries.get(i);
            if (entry.constraint().holdsAt(at)) {
                return Optional.ofNullable(entry.price());
            }
        }
        return Optional.ofNullable(entries.getFirst().price());
    }

    /** When a price set applies. All times are UTC, as in the feed. */
    public sealed interface Constraint {

        Constraint ALWAYS = new Always();

        boolean holdsAt(Instant at);

        record Always() implements Constraint {
            public boolean holdsAt(Instant at) {
                return true;
            }
        }

        /** From 00:00 UTC of {@code startDate} on. */
        record StartDate(LocalDate startDate) implements Constraint {
            public boolean holdsAt(Instant at) {
                return !at.isBefore(startDate.atStartOfDay(ZoneOffset.UTC).toInstant());
            }
        }

        /** Daily from {@code start} (inclusive) to {@code end} (exclusive), UTC; wraps past midnight if end < start. */
        record TimeOfDay(LocalTime start, LocalTime end) implements Constraint {
            public boolean holdsAt(Instant at) {
                LocalTime t = LocalTime.ofInstant(at, ZoneOffset.UTC);
                return end.isBefore(start)
                        ? !t.isBefore(start) || t.isBefore(end)
                        : !t.isBefore(start) && t.isBefore(end);
            }
        }
    }
}
