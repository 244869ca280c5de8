package dev.tollgate.routing;

import java.time.Duration;
import java.util.random.RandomGenerator;

/** Exponential backoff with full jitter: a uniform wait in [0, min(max, base * 2^retry)]. */
final class Backoff {

    private Backoff() {
    }

    static Duration of(AttemptPolicy policy, int retry, RandomGenerator random) {
        long ceiling = Math.min(policy.backoffMax().toMillis(),
                policy.backoffBase().toMillis() * (1L << Math.min(retry, 20)));
        return ceiling <= 0 ? Duration.ZERO : Duration.ofMillis(random.nextLong(ceiling + 1));
    }
}
