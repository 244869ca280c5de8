package dev.tollgate.budget;

import java.time.Instant;
import java.util.List;

/**
 * Money (and rate-limit units) held for one attempt before the provider is called. Written in one conditional
 * transaction with its record, so that a crashed invocation's hold can be found and released after it expires.
 *
 * @param id        unique per attempt: {@code <request id>#<attempt>}
 * @param charges   one per budget scope that applies: the window and the amount held there
 * @param rates     rate-limit counters bumped by this attempt (first attempt of a request only)
 * @param expiresAt when the janitor may release it if it was never settled
 */
public record Reservation(String id, String requestId, List<Charge> charges, List<RateCharge> rates,
                          long amountNanos, Instant expiresAt) {

    public Reservation {
        charges = List.copyOf(charges);
        rates = List.copyOf(rates);
    }

    /** Held on one scope's window; refused when {@code committed + amount > limit}. */
    public record Charge(String scope, String windowKey, long limitNanos, long amountNanos, Instant windowEnd) {
    }

    /** One rate-limit counter: {@code kind} rpm or tpm, refused when {@code count + amount > limit}. */
    public record RateCharge(String keyId, String kind, long windowMinute, long limit, long amount) {
        public String item() {
            return "rate#" + keyId + "#" + kind + "#" + windowMinute;
        }
    }

    public boolean isEmpty() {
        return charges.isEmpty() && rates.isEmpty();
    }
}
