package dev.tollgate.routing;

import dev.tollgate.config.Target;

/**
 * Admission of each attempt: budgets and rate limits. Called by the attempt loop before it sends to a target and
 * after an attempt that failed, so every fallback is held against its own target's price before it is sent.
 */
public interface AttemptGuard {

    /**
     * Holds the attempt's worst-case cost. False when only this target is refused (its provider or model budget
     * is spent, or its price is unknown under a hard budget): the loop skips it. Throws when the whole request is
     * refused (a key, team, feature or global budget; a rate limit).
     */
    boolean admit(Target target);

    /** The attempt failed before any output: give its hold back. */
    void attemptFailed(Target target);

    AttemptGuard NONE = new AttemptGuard() {
        @Override
        public boolean admit(Target target) {
            return true;
        }

        @Override
        public void attemptFailed(Target target) {
        }
    };
}
