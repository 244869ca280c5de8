package dev.tollgate.router.http;

import dev.tollgate.errors.ClientError;

/** Not a well-formed request: answered with {@link #error()}, then the connection closes. */
final class BadRequest extends Exception {

    private final transient ClientError error;

    private BadRequest(ClientError error) {
        super(error.getMessage(), null, false, false);
        this.error = error;
    }

    static BadRequest malformed(String message) {
        return new BadRequest(ClientError.malformedHttp(message));
    }

    static BadRequest headersTooLarge() {
        return new BadRequest(ClientError.headersTooLarge(RequestReader.MAX_HEAD_BYTES, RequestReader.MAX_HEADERS));
    }

    ClientError error() {
        return error;
    }
}
