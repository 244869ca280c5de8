package dev.tollgate.router.http;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A connection's socket output that notes when a write or flush began and has not returned yet. A blocking socket
 * write has no timeout of its own: a client that stops reading fills the socket's buffers and holds the
 * connection's thread for good. The server's sweep ({@link Http1Server}) closes such a connection, which makes the
 * blocked write fail. Costs a clock read per write; no timer per write.
 */
final class WatchedOutputStream extends FilterOutputStream {

    /** System.nanoTime() when the write in progress began; {@link #NONE} when none is. */
    private volatile long blockedSince = NONE;
    private static final long NONE = Long.MIN_VALUE;

    WatchedOutputStream(OutputStream socket) {
        super(socket);
    }

    @Override
    public void write(int b) throws IOException {
        blockedSince = System.nanoTime();
        try {
            out.write(b);
        } finally {
            blockedSince = NONE;
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        blockedSince = System.nanoTime();
        try {
            out.write(b, off, len);
        } finally {
            blockedSince = NONE;
        }
    }

    @Override
    public void flush() throws IOException {
        blockedSince = System.nanoTime();
        try {
            out.flush();
        } finally {
            blockedSince = NONE;
        }
    }

    /** Whether a write has been in progress for longer than {@code timeoutNanos} at {@code now} (nanoTime). */
    boolean stuck(long now, long timeoutNanos) {
        long since = blockedSince;
        return since != NONE && now - since > timeoutNanos;
    }
}
