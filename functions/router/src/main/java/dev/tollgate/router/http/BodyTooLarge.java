package dev.tollgate.router.http;

/** The request body is (or grew) over the limit; what was not read stays unread. */
final class BodyTooLarge extends Exception {

    BodyTooLarge() {
        super(null, null, false, false);
    }
}
