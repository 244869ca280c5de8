package dev.tollgate.router.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A response body in chunked transfer coding. Writes collect in one buffer; {@link #flush()} sends them as one chunk
 * (size line, data and CRLF in a single socket write), so each flush of an event stream reaches the client at once.
 * {@link #close()} sends what is left and the terminating zero-size chunk, in one write too.
 */
final class ChunkedOutputStream extends OutputStream {

    private static final int DATA = 16 * 1024;
    /** Room before the data for the size line: up to 8 hex digits and CRLF. */
    private static final int PREFIX = 10;
    /** The terminating zero-size chunk, with no trailers. */
    private static final byte[] LAST = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /** The size of the buffer a stream needs: data, the size line before it, CRLF and the last chunk after it. */
    static final int BUFFER_SIZE = PREFIX + DATA + 2 + LAST.length;

    private final OutputStream socket;
    private final byte[] buf;
    private int count;
    private boolean closed;

    /** With a buffer of {@link #BUFFER_SIZE} bytes that the caller reuses from one answer to the next. */
    ChunkedOutputStream(OutputStream socket, byte[] buffer) {
        if (buffer.length < BUFFER_SIZE) {
            throw new IllegalArgumentException("buffer too small");
        }
        this.socket = socket;
        this.buf = buffer;
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        if (count == DATA) {
            emit(false);
        }
        buf[PREFIX + count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ensureOpen();
        while (len > 0) {
            if (count == DATA) {
                emit(false);
            }
            int n = Math.min(len, DATA - count);
            System.arraycopy(b, off, buf, PREFIX + count, n);
            count += n;
            off += n;
            len -= n;
        }
    }

    @Override
    public void flush() throws IOException {
        ensureOpen();
        if (count > 0) {
            emit(false);
        }
    }

    /** Ends the body with the zero-size chunk; the connection stays usable for the next request. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        emit(true);
    }

    /** Sends the buffered data as one chunk, with the terminating chunk after it when {@code last}. */
    private void emit(boolean last) throws IOException {
        int start = PREFIX;
        int end = PREFIX + count;
        if (count > 0) {
            start = sizeLine(count);
            buf[end++] = '\r';
            buf[end++] = '\n';
        }
        if (last) {
            System.arraycopy(LAST, 0, buf, end, LAST.length);
            end += LAST.length;
        }
        count = 0;
        if (end > start) {
            socket.write(buf, start, end - start);
            socket.flush();
        }
    }

    /** Writes the hex size and CRLF right before the data; returns where the chunk starts. */
    private int sizeLine(int size) {
        int at = PREFIX;
        buf[--at] = '\n';
        buf[--at] = '\r';
        do {
            buf[--at] = HEX[size & 0xF];
            size >>>= 4;
        } while (size != 0);
        return at;
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("response body already closed");
        }
    }
}
