package dev.tollgate.providers;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
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
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(512);
    private boolean eof;

    public SseReader(InputStream in) {
        // Buffered so that CR LF can be peeked; read() still returns as soon as any bytes arrive.
        this.in = in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 8192);
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
        line.reset();
        while (true) {
            int b = in.read();
            if (b == -1) {
                eof = true;
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            if (b == '\r') {
                // CR LF and a lone CR both end a line.
                in.mark(1);
                if (in.read() != '\n') {
                    in.reset();
                }
                return line.toString(StandardCharsets.UTF_8);
            }
            line.write(b);
        }
    }
}
