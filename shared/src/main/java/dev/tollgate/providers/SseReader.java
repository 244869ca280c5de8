package dev.tollgate.providers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads server-sent events from a byte stream as they arrive (WHATWG event-stream rules: fields
 * {@code event} and {@code data}, multi-line data joined with newlines, comments and unknown fields ignored).
 */
public final class SseReader {

    /**
     * One event: its name (null for the default "message") and its data as the bytes that arrived (UTF-8), which is
     * what every caller parses or forwards; {@link #data()} decodes them.
     */
    public static final class Event {
        private final String name;
        private final byte[] bytes;

        public Event(String name, byte[] bytes) {
            this.name = name;
            this.bytes = bytes;
        }

        public Event(String name, String data) {
            this(name, data.getBytes(StandardCharsets.UTF_8));
        }

        public String name() {
            return name;
        }

        /** The data, not copied: callers must not change it. */
        public byte[] bytes() {
            return bytes;
        }

        public String data() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        /** Whether the data is exactly these bytes (such as {@code [DONE]}), without decoding it. */
        public boolean dataEquals(byte[] expected) {
            return Arrays.equals(bytes, expected);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Event e && Objects.equals(name, e.name) && Arrays.equals(bytes, e.bytes);
        }

        @Override
        public int hashCode() {
            return 31 * Objects.hashCode(name) + Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Event[name=" + name + ", data=" + data() + "]";
        }
    }

    private static final byte[] DATA = {'d', 'a', 't', 'a'};
    private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};
    private static final byte[] NEWLINE = {'\n'};

    private final InputStream in;
    // Our own buffer, scanned for line ends in bulk: reading byte by byte through a BufferedInputStream took its
    // lock once per byte of every chunk.
    private final byte[] buffer = new byte[8192];
    private int position;
    private int limit;
    private byte[] line = new byte[512];
    private int lineLength;
    /** The data lines of the event being read, joined with LF; -1 while it has none. */
    private byte[] data = new byte[512];
    private int dataLength = -1;
    /** The previous line ended with CR: a LF right after it belongs to that line end (CR LF). */
    private boolean skipLineFeed;
    private boolean eof;

    public SseReader(InputStream in) {
        this.in = in;
    }

    /**
     * Whether a whole further event (a {@code data} line, then the blank line that ends it) has already arrived and
     * is waiting in the buffer, so that {@link #next()} will return it without waiting on the stream. A block of
     * other fields only ({@code event:}, {@code id:}, {@code retry:}) is no event: {@link #next()} reads past it. A
     * writer that forwards events can hold its flush back while this is true: nothing it holds back waits for the
     * network.
     */
    public boolean hasBufferedEvent() {
        boolean lineStart = true;
        boolean sawData = false;
        boolean skipLf = skipLineFeed;
        for (int i = position; i < limit; i++) {
            byte b = buffer[i];
            if (skipLf) {
                skipLf = false;
                if (b == '\n') {
                    continue;
                }
            }
            if (b == '\n' || b == '\r') {
                if (lineStart && sawData) {
                    return true;
                }
                lineStart = true;
                skipLf = b == '\r';
            } else {
                if (lineStart && isDataLine(i)) {
                    sawData = true;
                }
                lineStart = false;
            }
        }
        return false;
    }

    /** Whether the buffered line starting at {@code at} is a {@code data} field (a line not yet whole is not). */
    private boolean isDataLine(int at) {
        int end = at + DATA.length;
        if (end >= limit || !Arrays.equals(buffer, at, end, DATA, 0, DATA.length)) {
            return false;
        }
        byte after = buffer[end];
        return after == ':' || after == '\r' || after == '\n';
    }

    /** The next complete event, or null at the end of the stream. */
    public Event next() throws IOException {
        // Fields are matched and data gathered as bytes: no String per line, per value or per event.
        String name = null;
        dataLength = -1;
        while (true) {
            if (!readLine()) {
                return dataLength < 0 ? null : new Event(name, Arrays.copyOf(data, dataLength));
            }
            if (lineLength == 0) {
                if (dataLength >= 0) {
                    return new Event(name, Arrays.copyOf(data, dataLength));
                }
                name = null;
                continue;
            }
            if (line[0] == ':') {
                continue;
            }
            int colon = indexOfColon();
            int fieldLength = colon < 0 ? lineLength : colon;
            int valueStart = colon < 0 ? lineLength : colon + 1;
            if (valueStart < lineLength && line[valueStart] == ' ') {
                valueStart++;
            }
            if (isField(DATA, fieldLength)) {
                if (dataLength < 0) {
                    dataLength = 0;
                } else {
                    appendData(NEWLINE, 0, 1);
                }
                appendData(line, valueStart, lineLength - valueStart);
            } else if (isField(EVENT, fieldLength)) {
                name = new String(line, valueStart, lineLength - valueStart, StandardCharsets.UTF_8);
            }
        }
    }

    private int indexOfColon() {
        for (int i = 0; i < lineLength; i++) {
            if (line[i] == ':') {
                return i;
            }
        }
        return -1;
    }

    private boolean isField(byte[] field, int length) {
        return length == field.length && Arrays.equals(line, 0, length, field, 0, length);
    }

    private void appendData(byte[] from, int start, int length) {
        if (dataLength + length > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, dataLength + length));
        }
        System.arraycopy(from, start, data, dataLength, length);
        dataLength += length;
    }

    /** Reads the next line into {@code line}; false at the end of the stream with nothing read. */
    private boolean readLine() throws IOException {
        if (eof) {
            return false;
        }
        lineLength = 0;
        while (true) {
            if (position == limit && !fill()) {
                eof = true;
                return lineLength > 0;
            }
            if (skipLineFeed) {
                skipLineFeed = false;
                if (buffer[position] == '\n') {
                    position++;
                    continue;
                }
            }
            int start = position;
            while (position < limit && buffer[position] != '\n' && buffer[position] != '\r') {
                position++;
            }
            append(start, position - start);
            if (position < limit) {
                // CR LF and a lone CR both end a line; the LF of a CR LF may not have arrived yet.
                skipLineFeed = buffer[position] == '\r';
                position++;
                return true;
            }
        }
    }

    /** Reads what has arrived (at least one byte; blocks only when nothing has); false at the end of the stream. */
    private boolean fill() throws IOException {
        int n;
        do {
            n = in.read(buffer, 0, buffer.length);
        } while (n == 0);
        if (n < 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    private void append(int start, int length) {
        if (lineLength + length > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + length));
        }
        System.arraycopy(buffer, start, line, lineLength, length);
        lineLength += length;
    }
}
