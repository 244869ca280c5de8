package dev.tollgate.admin;

/** The command line is wrong (unknown option, bad value, missing table name): exit code 2, one line. */
final class UsageException extends RuntimeException {

    UsageException(String message) {
        super(message, null, false, false);
    }
}
