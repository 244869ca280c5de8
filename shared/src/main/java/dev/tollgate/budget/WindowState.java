package dev.tollgate.budget;

/** A budget window's counters: held plus spent ({@code committed}), of which spent is settled. */
public record WindowState(long committedNanos, long spentNanos, long reservedNanos, long requests) {

    public static final WindowState EMPTY = new WindowState(0, 0, 0, 0);
}
