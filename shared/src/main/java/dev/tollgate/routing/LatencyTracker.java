package dev.tollgate.routing;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Recent latency per target as an exponentially weighted moving average (time to the whole answer, or to the first
 * token for streams). Per process: each Lambda environment learns from its own traffic, which is what it pays for.
 */
public final class LatencyTracker {

    private static final double ALPHA = 0.3;
    private final ConcurrentHashMap<String, Double> ewmaMillis = new ConcurrentHashMap<>();

    public void record(String targetId, Duration latency) {
        double sample = latency.toNanos() / 1_000_000.0;
        ewmaMillis.merge(targetId, sample, (old, now) -> old + ALPHA * (now - old));
    }

    /** The average in milliseconds; a target never measured sorts first, so it gets measured. */
    public double averageMillis(String targetId) {
        return ewmaMillis.getOrDefault(targetId, 0.0);
    }
}
