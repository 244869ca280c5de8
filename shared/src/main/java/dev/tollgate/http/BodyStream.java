package dev.tollgate.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpTimeoutException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A response body as framed on the wire: a Content-Length, chunks, or everything until the server closes. A body
 * cut short fails (never a clean end: the gateway reports a cut stream from that). Read to its end, the connection
 * goes back to the pool when it may be reused; closed before, or failed, the connection is closed.
 * {@link #close()} may come from another thread (a stream watchdog): it closes the socket, which ends a blocked read.
 */
final class BodyStream extends InputStream {

    enum Framing { LENGTH, CHUNKED, UNTIL_CLOSE }

    /** Called once with the connection when the body was read to its end and the connection may be reused. */
    interface Release {
        void release(Connection connection);
    }

    private final Connection connection;
    private final Framing framing;
    private final boolean keepAlive;
    private final Release release;
    private final AtomicBoolean finished = new AtomicBoolean();
    /** Bytes left in the body (LENGTH) or in the current chunk (CHUNKED); -1 before the first chunk. */
    private long remaining;
    private boolean ended;
    private volatile boolean closed;
    /** Held by a read; a close that finds it free may finish the body from what is already buffered. */
    private final ReentrantLock reading = new ReentrantLock();
    /** How much unread body a close finishes from the buffer to keep the connection, at most. */
    private static final int MAX_DRAIN = 64 * 1024;

    BodyStream(Connection connection, Framing framing, long length, boolean keepAlive, Release release) {
        this.connection = connection;
        this.framing = framing;
        this.remaining = framing == Framing.CHUNKED ? -1 : length;
        this.keepAlive = keepAlive && framing != Framing.UNTIL_CLOSE;
        this.release = release;
        if (framing == Framing.LENGTH && length == 0) {
            end();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, target.length);
        if (ended) {
            return -1;
        }
        if (closed) {
            throw new IOException("stream closed");
        }
        if (length == 0) {
            return 0;
        }
        reading.lock();
        try {
            // Again under the lock: a close on another thread (the stream watchdog, the server's write sweep) may
            // have finished the body meanwhile and given the connection to the pool for another request.
            if (ended) {
                return -1;
            }
            if (closed) {
                throw new IOException("stream closed");
            }
            return readFramed(target, offset, length);
        } catch (IOException | RuntimeException e) {
            abandon();
            if (closed && !(e instanceof HttpTimeoutException)) {
                throw new IOException("stream closed", e);
            }
            throw e;
        } finally {
            reading.unlock();
        }
    }

    private int readFramed(byte[] target, int offset, int length) throws IOException {
        return switch (framing) {
            case LENGTH -> readFixed(target, offset, length);
            case CHUNKED -> readChunked(target, offset, length);
            case UNTIL_CLOSE -> readUntilClose(target, offset, length);
        };
    }

    private int readFixed(byte[] target, int offset, int length) throws IOException {
        int n = connection.read(target, offset, (int) Math.min(length, remaining));
        if (n < 0) {
            throw new IOException("connection closed before the end of the body (" + remaining + " bytes missing)");
        }
        remaining -= n;
        if (remaining == 0) {
            end();
        }
        return n;
    }

    private int readChunked(byte[] target, int offset, int length) throws IOException {
        if (remaining <= 0) {
            if (remaining == 0) {
                expectLineEnd();
            }
            remaining = chunkSize();
            if (remaining == 0) {
                skipTrailers();
                end();
                return -1;
            }
        }
        int n = connection.read(target, offset, (int) Math.min(length, remaining));
        if (n < 0) {
            throw new IOException("connection closed inside a chunk");
        }
        remaining -= n;
        return n;
    }

    private int readUntilClose(byte[] target, int offset, int length) throws IOException {
        int n = connection.read(target, offset, length);
        if (n < 0) {
            end();
        }
        return n;
    }

    private void expectLineEnd() throws IOException {
        String line = connection.readLine();
        if (line == null) {
            throw new IOException("connection closed after a chunk");
        }
        if (!line.isEmpty()) {
            throw new IOException("malformed chunk: no line end after its data");
        }
    }

    private long chunkSize() throws IOException {
        String line = connection.readLine();
        if (line == null) {
            throw new IOException("connection closed before the last chunk");
        }
        int end = 0;
        while (end < line.length() && Character.digit(line.charAt(end), 16) >= 0) {
            end++;
        }
        // Extensions (";name=value") and whitespace before them are ignored.
        if (end == 0 || end > 15 || (end < line.length() && line.charAt(end) != ';' && line.charAt(end) != ' '
                && line.charAt(end) != '\t')) {
            throw new IOException("malformed chunk size");
        }
        return Long.parseLong(line, 0, end, 16);
    }

    private void skipTrailers() throws IOException {
        for (int i = 0; ; i++) {
            String line = connection.readLine();
            if (line == null) {
                throw new IOException("connection closed inside the trailers");
            }
            if (line.isEmpty()) {
                return;
            }
            if (i > 100) {
                throw new IOException("too many trailers");
            }
        }
    }

    /** The body ended cleanly: the connection goes back to the pool, or is closed. */
    private void end() {
        ended = true;
        connection.nonBlocking(false);
        if (finished.compareAndSet(false, true)) {
            if (keepAlive) {
                release.release(connection);
            } else {
                connection.close();
            }
        }
    }

    private void abandon() {
        if (finished.compareAndSet(false, true)) {
            connection.close();
        }
    }

    @Override
    public int available() {
        if (ended || closed) {
            return 0;
        }
        int buffered = connection.buffered();
        return framing == Framing.LENGTH ? (int) Math.min(buffered, remaining) : 0;
    }

    /**
     * Closes the connection unless the body was read to its end (then it is already pooled or closed). A stream
     * reader stops at its format's last event ({@code [DONE]}, {@code message_stop}), usually with the body's end
     * (the last chunk) already received: the body is finished from the buffer, without blocking, so the
     * connection is kept. From another thread, while a read is blocked, the close just closes the socket.
     */
    @Override
    public void close() {
        closed = true;
        if (keepAlive && !finished.get() && reading.tryLock()) {
            try {
                drainBuffered();
            } finally {
                reading.unlock();
            }
        }
        abandon();
    }

    private void drainBuffered() {
        connection.nonBlocking(true);
        try {
            byte[] scratch = new byte[4096];
            int drained = 0;
            while (!ended && drained < MAX_DRAIN) {
                int n = readFramed(scratch, 0, scratch.length);
                if (n < 0) {
                    return;
                }
                drained += n;
            }
        } catch (IOException | RuntimeException e) {
            // Not all there yet (or broken): close() abandons the connection, whatever mode it was left in.
        }
    }
}
