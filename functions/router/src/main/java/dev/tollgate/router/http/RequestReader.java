package dev.tollgate.router.http;

import dev.tollgate.http.HeaderValues;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.TreeMap;

/**
 * Reads requests off one connection: the head parsed straight from its own byte buffer (ISO-8859-1, no regex), then
 * the body by Content-Length or chunked framing. Bytes past one request (a pipelined next one) stay in the buffer.
 */
final class RequestReader {

    /** The request line and all header lines together, terminators included. */
    static final int MAX_HEAD_BYTES = 64 * 1024;
    static final int MAX_HEADERS = 100;
    /** A chunk-size line or a trailer line; extensions and trailers are read and dropped. */
    private static final int MAX_CHUNK_LINE = 4096;
    private static final int MAX_TRAILER_BYTES = 16 * 1024;

    private final Socket socket;
    private final InputStream in;
    private byte[] buf = new byte[16 * 1024];
    private int pos;
    private int lim;

    RequestReader(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    /** Blocks until the next request's first byte (or one is already buffered); false if the client closed. */
    boolean awaitRequest() throws IOException {
        if (pos < lim) {
            return true;
        }
        pos = 0;
        lim = 0;
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
            return false;
        }
        lim = n;
        return true;
    }

    /** Whether bytes past the head have already arrived (the client did not wait for 100 Continue). */
    boolean hasBuffered() {
        return pos < lim;
    }

    /** The request line and headers, read before {@code deadlineNanos} (System.nanoTime) or a timeout. */
    RequestHead readHead(long deadlineNanos) throws IOException, BadRequest {
        int used = 0;
        int end = lineEnd(MAX_HEAD_BYTES, deadlineNanos, true);
        // A client may send an empty line before the request line (RFC 9112, section 2.2): skip one.
        if (end == pos) {
            used += advance(end);
            end = lineEnd(MAX_HEAD_BYTES - used, deadlineNanos, true);
        }
        int lineStart = pos;
        used += advance(end);
        RequestLine line = requestLine(lineStart, end);

        TreeMap<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        long contentLength = -1;
        boolean chunked = false;
        boolean expectContinue = false;
        boolean close = false;
        boolean keepAlive = false;
        int count = 0;
        while (true) {
            end = lineEnd(MAX_HEAD_BYTES - used, deadlineNanos, true);
            int start = pos;
            used += advance(end);
            if (end == start) {
                break;
            }
            if (++count > MAX_HEADERS) {
                throw BadRequest.headersTooLarge();
            }
            byte first = buf[start];
            if (first == ' ' || first == '\t') {
                throw BadRequest.malformed("Obsolete header line folding is not accepted.");
            }
            int colon = start;
            while (colon < end && buf[colon] != ':') {
                if (!isTokenChar(buf[colon])) {
                    throw BadRequest.malformed("Malformed header line.");
                }
                colon++;
            }
            if (colon == end || colon == start) {
                throw BadRequest.malformed("Malformed header line.");
            }
            int valueStart = colon + 1;
            int valueEnd = end;
            while (valueStart < valueEnd && (buf[valueStart] == ' ' || buf[valueStart] == '\t')) {
                valueStart++;
            }
            while (valueEnd > valueStart && (buf[valueEnd - 1] == ' ' || buf[valueEnd - 1] == '\t')) {
                valueEnd--;
            }
            for (int i = valueStart; i < valueEnd; i++) {
                int c = buf[i] & 0xFF;
                if ((c < 0x20 && c != '\t') || c == 0x7F) {
                    throw BadRequest.malformed("Malformed header value.");
                }
            }
            String name = latin1(start, colon);
            String value = latin1(valueStart, valueEnd);
            if (name.equalsIgnoreCase("Content-Length")) {
                long length = contentLength(value);
                if (contentLength >= 0 && contentLength != length) {
                    throw BadRequest.malformed("Conflicting Content-Length headers.");
                }
                contentLength = length;
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                if (chunked || !value.equalsIgnoreCase("chunked")) {
                    throw BadRequest.malformed("Only 'Transfer-Encoding: chunked' is accepted.");
                }
                chunked = true;
            } else if (name.equalsIgnoreCase("Connection")) {
                close |= HeaderValues.hasToken(value, "close");
                keepAlive |= HeaderValues.hasToken(value, "keep-alive");
            } else if (name.equalsIgnoreCase("Expect")) {
                expectContinue = value.equalsIgnoreCase("100-continue");
            }
            headers.putIfAbsent(name, value);
        }
        if (chunked && contentLength >= 0) {
            throw BadRequest.malformed("A request may not carry both Content-Length and Transfer-Encoding.");
        }
        return new RequestHead(line.method, line.rawPath, line.http10, headers, contentLength, chunked,
                expectContinue, close, keepAlive);
    }

    /** The body the head announces (empty for none); at most {@code limit} bytes. */
    byte[] readBody(RequestHead head, int limit) throws IOException, BadRequest, BodyTooLarge {
        if (head.chunked()) {
            return readChunked(limit);
        }
        if (head.contentLength() <= 0) {
            return new byte[0];
        }
        if (head.contentLength() > limit) {
            throw new BodyTooLarge();
        }
        byte[] body = new byte[(int) head.contentLength()];
        readFully(body, 0, body.length);
        return body;
    }

    private byte[] readChunked(int limit) throws IOException, BadRequest, BodyTooLarge {
        byte[] body = new byte[Math.min(8192, limit)];
        int size = 0;
        while (true) {
            int end = lineEnd(MAX_CHUNK_LINE, 0, false);
            long chunk = chunkSize(pos, end);
            advance(end);
            if (chunk == 0) {
                break;
            }
            if (size + chunk > limit) {
                throw new BodyTooLarge();
            }
            int needed = size + (int) chunk;
            if (needed > body.length) {
                body = Arrays.copyOf(body, Math.min(limit, Math.max(needed, body.length * 2)));
            }
            readFully(body, size, (int) chunk);
            size = needed;
            end = lineEnd(MAX_CHUNK_LINE, 0, false);
            if (end != pos) {
                throw BadRequest.malformed("A chunk's data is not followed by CRLF.");
            }
            advance(end);
        }
        int trailers = 0;
        while (true) {
            int end = lineEnd(MAX_TRAILER_BYTES - trailers, 0, false);
            boolean last = end == pos;
            trailers += advance(end);
            if (last) {
                break;
            }
        }
        return size == body.length ? body : Arrays.copyOf(body, size);
    }

    /** Reads and drops what the client still sends, for at most {@code maxBytes} or until it stops or times out. */
    void drain(long maxBytes) {
        long dropped = lim - pos;
        pos = lim;
        try {
            while (dropped < maxBytes) {
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    return;
                }
                dropped += n;
            }
        } catch (IOException e) {
            // Gone or silent: either way, nothing more to wait for.
        }
    }

    private void readFully(byte[] into, int offset, int length) throws IOException {
        int buffered = Math.min(length, lim - pos);
        System.arraycopy(buf, pos, into, offset, buffered);
        pos += buffered;
        int done = buffered;
        while (done < length) {
            int n = in.read(into, offset + done, length - done);
            if (n < 0) {
                throw new EOFException("request body cut short");
            }
            done += n;
        }
    }

    /** Moves past the line ending at {@code end} (the index of its CR, or of a bare LF); the bytes consumed. */
    private int advance(int end) {
        int next = end < lim && buf[end] == '\r' ? end + 2 : end + 1;
        int used = next - pos;
        pos = next;
        return used;
    }

    /**
     * The index where the line at {@code pos} ends (its CR before the LF, or a bare LF), reading more as needed. A line
     * longer than {@code budget} bytes is refused: 431 in the head, 400 in chunked framing.
     */
    private int lineEnd(int budget, long deadlineNanos, boolean inHead) throws IOException, BadRequest {
        int scan = pos;
        while (true) {
            for (int i = scan; i < lim; i++) {
                if (buf[i] == '\n') {
                    if (i + 1 - pos > budget) {
                        throw tooLong(inHead);
                    }
                    return i > pos && buf[i - 1] == '\r' ? i - 1 : i;
                }
            }
            if (lim - pos >= budget) {
                throw tooLong(inHead);
            }
            scan = lim;
            if (lim == buf.length) {
                if (pos > 0) {
                    System.arraycopy(buf, pos, buf, 0, lim - pos);
                    scan -= pos;
                    lim -= pos;
                    pos = 0;
                } else {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
            }
            if (deadlineNanos != 0) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("request head not received in time");
                }
                socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
            }
            int n = in.read(buf, lim, buf.length - lim);
            if (n < 0) {
                throw new EOFException("connection closed mid-request");
            }
            lim += n;
        }
    }

    private static BadRequest tooLong(boolean inHead) {
        return inHead ? BadRequest.headersTooLarge() : BadRequest.malformed("Malformed chunked request body.");
    }

    private record RequestLine(String method, String rawPath, boolean http10) {
    }

    private RequestLine requestLine(int start, int end) throws BadRequest {
        int sp1 = start;
        while (sp1 < end && buf[sp1] != ' ') {
            if (!isTokenChar(buf[sp1])) {
                throw BadRequest.malformed("Malformed request line.");
            }
            sp1++;
        }
        int sp2 = sp1 + 1;
        while (sp2 < end && buf[sp2] != ' ') {
            int c = buf[sp2] & 0xFF;
            if (c <= 0x20 || c == 0x7F) {
                throw BadRequest.malformed("Malformed request line.");
            }
            sp2++;
        }
        if (sp1 == start || sp1 >= end || sp2 == sp1 + 1 || sp2 >= end || end - sp2 - 1 != 8
                || !regionIs(sp2 + 1, "HTTP/1.")) {
            throw BadRequest.malformed("Malformed request line.");
        }
        byte minor = buf[sp2 + 8];
        if (minor != '0' && minor != '1') {
            throw BadRequest.malformed("Unsupported HTTP version; use HTTP/1.1.");
        }
        return new RequestLine(latin1(start, sp1), rawPath(sp1 + 1, sp2), minor == '0');
    }

    /** Origin form ({@code /path?query}) or absolute form ({@code http://host/path}): the path, still encoded. */
    private String rawPath(int start, int end) throws BadRequest {
        int from = start;
        if (buf[start] != '/') {
            int scheme = regionIs(start, "http://") ? 7 : regionIs(start, "https://") ? 8 : -1;
            if (scheme < 0) {
                throw BadRequest.malformed("Malformed request target.");
            }
            from = start + scheme;
            while (from < end && buf[from] != '/' && buf[from] != '?') {
                from++;
            }
            if (from == end || buf[from] == '?') {
                return "/";
            }
        }
        int to = from;
        while (to < end && buf[to] != '?' && buf[to] != '#') {
            to++;
        }
        return latin1(from, to);
    }

    private boolean regionIs(int at, String ascii) {
        if (at + ascii.length() > lim) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (buf[at + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private long chunkSize(int start, int end) throws BadRequest {
        long size = 0;
        int digits = 0;
        int i = start;
        for (; i < end; i++) {
            int d = Character.digit(buf[i], 16);
            if (d < 0) {
                break;
            }
            if (++digits > 15) {
                throw BadRequest.malformed("Malformed chunk size.");
            }
            size = size * 16 + d;
        }
        while (i < end && (buf[i] == ' ' || buf[i] == '\t')) {
            i++;
        }
        if (digits == 0 || (i < end && buf[i] != ';')) {
            throw BadRequest.malformed("Malformed chunk size.");
        }
        return size;
    }

    private static long contentLength(String value) throws BadRequest {
        long length = HeaderValues.contentLength(value);
        if (length < 0) {
            throw BadRequest.malformed("Malformed Content-Length.");
        }
        return length;
    }

    private String latin1(int from, int to) {
        return new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /** RFC 9110 tchar: what a method or a header name may contain. */
    private static boolean isTokenChar(byte b) {
        int c = b & 0xFF;
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
            return true;
        }
        return switch (c) {
            case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~' -> true;
            default -> false;
        };
    }
}
