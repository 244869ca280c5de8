package dev.tollgate.secrets;

/** A credential could not be read. The message names where it was looked for, never a value. */
public final class CredentialUnavailableException extends RuntimeException {

    public CredentialUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
