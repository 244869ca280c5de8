package dev.tollgate.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive connection: a blocking {@link SocketChannel} (so an idle connection can be checked without
 * blocking) and, for https, a TLS socket layered over it. Reads go through a buffer; every blocking read first sets
 * the socket's timeout to what is left of the current deadline. Used by one request at a time.
 */
final class Connection {

    private static final int BUFFER = 16 * 1024;
    /** Longest status, header or chunk-size line accepted. */
    private static final int MAX_LINE = 64 * 1024;

    final String origin;
    private final SocketChannel channel;
    private final Socket raw;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buffer = new byte[BUFFER];
    private int position;
    private int limit;
    /** {@link System#nanoTime()} by which the current read must finish; {@link #NO_DEADLINE} for none. */
    private long deadline = NO_DEADLINE;
    static final long NO_DEADLINE = Long.MAX_VALUE;
    private long idleSince;
    /** While set, a read that would block fails with {@link #WOULD_BLOCK} instead (draining a closed body). */
    private boolean nonBlocking;
    static final IOException WOULD_BLOCK = new WouldBlock();

    /** Thrown often and caught at once: no stack trace. */
    private static final class WouldBlock extends IOException {
        WouldBlock() {
            super("no more data buffered");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    Connection(String origin, SocketChannel channel, Socket io) throws IOException {
        this.origin = origin;
        this.channel = channel;
        this.raw = channel.socket();
        this.in = io.getInputStream();
        this.out = io.getOutputStream();
    }

    void nonBlocking(boolean on) {
        nonBlocking = on;
    }

    void deadline(long nanos) {
        this.deadline = nanos;
    }

    void write(byte[] bytes, int length) throws IOException {
        out.write(bytes, 0, length);
        out.flush();
    }

    /** Whether a pooled connection can carry another request: open, no data and no end-of-stream waiting on it. */
    boolean reusable() {
        if (position < limit || !channel.isOpen()) {
            return false;
        }
        try {
            channel.configureBlocking(false);
            int read = channel.read(ByteBuffer.allocate(1));
            channel.configureBlocking(true);
            // 0: nothing waiting, the peer has not closed. -1 (closed) or data (nothing is due between requests,
            // so it can only be an error or an alert): not usable.
            return read == 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    long idleSince() {
        return idleSince;
    }

    void idleSince(long nanos) {
        idleSince = nanos;
    }

    /** Closes the socket; safe from any thread, and unblocks a read in progress. */
    void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing to do: the connection is gone either way.
        }
    }

    /** Fills the buffer; false at the end of the stream. */
    private boolean fill() throws IOException {
        setTimeout();
        int n;
        try {
            n = in.read(buffer, 0, BUFFER);
        } catch (SocketTimeoutException e) {
            throw new HttpTimeoutException("request timed out");
        }
        if (n <= 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    /** Up to {@code length} bytes (at least one unless at the end: -1). */
    int read(byte[] target, int offset, int length) throws IOException {
        if (position == limit) {
            if (length >= BUFFER) {
                // Large reads skip the buffer.
                setTimeout();
                try {
                    int n = in.read(target, offset, length);
                    return n == 0 ? -1 : n;
                } catch (SocketTimeoutException e) {
                    throw new HttpTimeoutException("request timed out");
                }
            }
            if (!fill()) {
                return -1;
            }
        }
        int n = Math.min(length, limit - position);
        System.arraycopy(buffer, position, target, offset, n);
        position += n;
        return n;
    }

    private void setTimeout() throws IOException {
        if (nonBlocking) {
            throw WOULD_BLOCK;
        }
        if (deadline == NO_DEADLINE) {
            raw.setSoTimeout(0);
        } else {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new HttpTimeoutException("request timed out");
            }
            raw.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
        }
    }

    /** Bytes readable without blocking. */
    int buffered() {
        return limit - position;
    }

    /**
     * A line without its CRLF (a bare LF is accepted), as ISO-8859-1; null at the end of the stream before any byte.
     * A stream ending inside a line is an error.
     */
    String readLine() throws IOException {
        StringBuilder line = null;
        while (true) {
            if (position == limit && !fill()) {
                if (line == null) {
                    return null;
                }
                throw new IOException("connection closed inside a line");
            }
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            boolean complete = position < limit;
            int end = position;
            if (complete) {
                position++;
            }
            int length = end - start + (line == null ? 0 : line.length());
            if (length > MAX_LINE) {
                throw new IOException("response line too long");
            }
            if (complete && line == null) {
                if (end > start && buffer[end - 1] == '\r') {
                    end--;
                }
                return new String(buffer, start, end - start, StandardCharsets.ISO_8859_1);
            }
            if (line == null) {
                line = new StringBuilder(Math.max(16, end - start) + 16);
            }
            for (int i = start; i < end; i++) {
                line.append((char) (buffer[i] & 0xff));
            }
            if (complete) {
                int last = line.length() - 1;
                if (last >= 0 && line.charAt(last) == '\r') {
                    line.setLength(last);
                }
                return line.toString();
            }
        }
    }
}
