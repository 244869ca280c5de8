package dev.tollgate.reconcile.billing;

/** A billing API could not be read. The message names the endpoint and status, never a key. */
public final class BillingException extends Exception {

    private final int status;

    public BillingException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status, or 0 when no answer came. */
    public int status() {
        return status;
    }
}
