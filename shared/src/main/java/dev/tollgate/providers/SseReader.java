package dev.tollgate.providers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads server-sent events from a byte stream as they arrive (WHATWG event-stream rules: fields
 * {@code event} and {@code data}, multi-line data joined with newlines, comments and unknown fields ignored).
 */
public final class SseReader {

    /** One event: its name (null for the default "message") and its data. */
    public record Event(String name, String data) {
    }

    private final InputStream in;
    // Our own buffer, scanned for line ends in bulk: reading byte by byte through a BufferedInputStream took its
    // lock once per byte of every chunk.
    private final byte[] buffer = new byte[8192];
    private int position;
    private int limit;
    private byte[] line = new byte[512];
    private int lineLength;
    /** The previous line ended with CR: a LF right after it belongs to that line end (CR LF). */
    private boolean skipLineFeed;
    private boolean eof;

    public SseReader(InputStream in) {
        this.in = in;
    }

    /**
     * Whether a whole further event (a field line, then the blank line that ends it) has already arrived and is
     * waiting in the buffer, so that {@link #next()} will return it without waiting on the stream. A writer that
     * forwards events can hold its flush back while this is true: nothing it holds back waits for the network.
     */
    public boolean hasBufferedEvent() {
        boolean lineStart = true;
        boolean sawField = false;
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
                if (lineStart && sawField) {
                    return true;
                }
                lineStart = true;
                skipLf = b == '\r';
            } else {
                if (lineStart && b != ':') {
                    sawField = true;
                }
                lineStart = false;
            }
        }
        return false;
    }

    /** The next complete event, or null at the end of the stream. */
    public Event next() throws IOException {
        String name = null;
        StringBuilder data = null;
        while (true) {
            String text = readLine();
            if (text == null) {
                return data == null ? null : new Event(name, data.toString());
            }
            if (text.isEmpty()) {
                if (data != null) {
                    return new Event(name, data.toString());
                }
                name = null;
                continue;
            }
            if (text.charAt(0) == ':') {
                continue;
            }
            int colon = text.indexOf(':');
            String field = colon < 0 ? text : text.substring(0, colon);
            String value = colon < 0 ? "" : text.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> name = value;
                case "data" -> {
                    if (data == null) {
                        data = new StringBuilder(value);
                    } else {
                        data.append('\n').append(value);
                    }
                }
                default -> { }
            }
        }
    }

    private String readLine() throws IOException {
        if (eof) {
            return null;
        }
        lineLength = 0;
        while (true) {
            if (position == limit && !fill()) {
                eof = true;
                return lineLength == 0 ? null : lineText();
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
                return lineText();
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
            line = java.util.Arrays.copyOf(line, Math.max(line.length * 2, lineLength + length));
        }
        System.arraycopy(buffer, start, line, lineLength, length);
        lineLength += length;
    }

    private String lineText() {
        return lineLength == 0 ? "" : new String(line, 0, lineLength, StandardCharsets.UTF_8);
    }
}
