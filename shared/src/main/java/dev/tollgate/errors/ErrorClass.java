package dev.tollgate.errors;

/** What a failed attempt means for the next one. */
public enum ErrorClass {
    /** Worth trying the same target again (timeouts, connection errors, 5xx, rate limits). */
    RETRYABLE,
    /** This target will not do; another might (quota, billing, overloaded, bad credential). */
    FALLBACK,
    /** The request itself is at fault; no target will accept it. */
    FATAL
}
