package dev.tollgate.routing;

import java.time.Duration;
import java.util.Map;

/**
 * How a route spends its attempts: retries of one target for retryable errors, backoff with full jitter, the cap
 * on honouring a provider's retry hint, the overall deadline, and the cooldown rules.
 *
 * @param retries             extra attempts on the same target after a retryable error
 * @param backoffBase         first backoff; doubles per retry, with full jitter
 * @param backoffMax          cap of one backoff
 * @param maxRetryWait        the longest provider-requested wait honoured; longer waits move on at once
 * @param deadline            the whole request's time budget (shortened by the Lambda's remaining time)
 * @param minAttempt          an attempt is not started with less time than this left
 * @param contentPolicyFallback whether a content-filter refusal may move to the next target
 * @param failuresToCooldown  consecutive failures of a target that cool it down
 * @param cooldown            how long a target cools down when the provider gave no hint
 * @param waitForCooldown     when every target is cooling, wait for the first (within the deadline) instead of 503
 * @param streamIdleTimeout   the longest silence between two chunks of a stream before it is abandoned
 * @param onError             per error code, an action that replaces the error class's default
 */
public record AttemptPolicy(int retries, Duration backoffBase, Duration backoffMax, Duration maxRetryWait,
                            Duration deadline, Duration minAttempt, boolean contentPolicyFallback,
                            int failuresToCooldown, Duration cooldown, boolean waitForCooldown,
                            Duration streamIdleTimeout, Map<String, Action> onError) {

    /** What to do after a failed attempt, when a route overrides the default for an error code. */
    public enum Action { RETRY, FALLBACK, FAIL }

    public AttemptPolicy {
        onError = Map.copyOf(onError);
    }

    public AttemptPolicy(int retries, Duration backoffBase, Duration backoffMax, Duration maxRetryWait,
                         Duration deadline, Duration minAttempt, boolean contentPolicyFallback,
                         int failuresToCooldown, Duration cooldown, boolean waitForCooldown, Duration streamIdleTimeout) {
        this(retries, backoffBase, backoffMax, maxRetryWait, deadline, minAttempt, contentPolicyFallback,
                failuresToCooldown, cooldown, waitForCooldown, streamIdleTimeout, Map.of());
    }

    public static final AttemptPolicy DEFAULT = new AttemptPolicy(1, Duration.ofMillis(200), Duration.ofSeconds(2),
            Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMillis(500), false, 3, Duration.ofSeconds(30),
            false, Duration.ofSeconds(60));
}
