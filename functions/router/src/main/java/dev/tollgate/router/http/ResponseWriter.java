package dev.tollgate.router.http;

import dev.tollgate.core.GatewayResponse;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes answers on one connection: the status line and headers built in one reusable buffer, and a buffered body
 * sent in the same socket write when it fits; a stream as chunks (or, to an HTTP/1.0 client, raw until the close).
 */
final class ResponseWriter {

    /** Bodies up to this size go out in the same write as the headers. */
    private static final int COALESCE = 64 * 1024;
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream socket;
    private byte[] buf = new byte[2048];
    private int count;
    /** The chunk buffer of this connection's streams, made at its first stream: 16 KB less garbage per stream. */
    private byte[] chunkBuffer;

    ResponseWriter(OutputStream socket) {
        this.socket = socket;
    }

    void writeContinue() throws IOException {
        socket.write(CONTINUE);
        socket.flush();
    }

    /**
     * Writes the whole answer to a request. {@code keepAlive} is whether the connection stays open after it; false
     * adds {@code Connection: close}. Returns whether it may really stay open (a raw stream to HTTP/1.0 ends with the
     * connection). The caller closes the connection when the write fails.
     */
    boolean write(GatewayResponse response, boolean headRequest, boolean http10, boolean keepAlive) throws IOException {
        return switch (response) {
            case GatewayResponse.Buffered buffered -> {
                writeBuffered(buffered, headRequest, http10, keepAlive);
                yield keepAlive;
            }
            case GatewayResponse.Streamed streamed -> writeStreamed(streamed, headRequest, http10, keepAlive);
        };
    }

    private void writeBuffered(GatewayResponse.Buffered response, boolean headRequest, boolean http10,
                               boolean keepAlive) throws IOException {
        byte[] body = response.body();
        boolean bodyless = bodyless(response.status());
        head(response.status(), response.headers());
        if (!bodyless) {
            header("Content-Length", Integer.toString(body.length));
        }
        end(http10, keepAlive);
        if (bodyless || headRequest || body.length == 0) {
            socket.write(buf, 0, count);
        } else if (body.length <= COALESCE) {
            ensure(body.length);
            System.arraycopy(body, 0, buf, count, body.length);
            count += body.length;
            socket.write(buf, 0, count);
        } else {
            socket.write(buf, 0, count);
            socket.write(body);
        }
        socket.flush();
    }

    private boolean writeStreamed(GatewayResponse.Streamed response, boolean headRequest, boolean http10,
                                  boolean keepAlive) throws IOException {
        boolean raw = http10 && !bodyless(response.status()) && !headRequest;
        boolean stays = keepAlive && !raw;
        head(response.status(), response.headers());
        if (!bodyless(response.status()) && !raw) {
            header("Transfer-Encoding", "chunked");
        }
        end(http10, stays);
        // Headers go out at once, as the stream's status and headers are final: the client learns the answer
        // started even if the first event takes a while.
        socket.write(buf, 0, count);
        socket.flush();
        if (bodyless(response.status()) || headRequest) {
            // No body goes on the wire, but the stream is still run to its end so the upstream is released.
            response.body().writeTo(OutputStream.nullOutputStream());
            return stays;
        }
        if (raw) {
            // HTTP/1.0 knows no chunks: the body ends with the connection.
            BufferedOutputStream out = new BufferedOutputStream(socket, 16 * 1024);
            response.body().writeTo(out);
            out.flush();
            return false;
        }
        if (chunkBuffer == null) {
            chunkBuffer = new byte[ChunkedOutputStream.BUFFER_SIZE];
        }
        ChunkedOutputStream out = new ChunkedOutputStream(socket, chunkBuffer);
        response.body().writeTo(out);
        out.close();
        return stays;
    }

    /** 1xx, 204 and 304 answers carry neither a body nor Content-Length (RFC 9110, 8.6). */
    private static boolean bodyless(int status) {
        return status < 200 || status == 204 || status == 304;
    }

    private void head(int status, Map<String, String> headers) {
        count = 0;
        ascii("HTTP/1.1 ");
        ascii(Integer.toString(status));
        buf[count++] = ' ';
        ascii(reason(status));
        crlf();
        for (Map.Entry<String, String> h : headers.entrySet()) {
            String name = h.getKey();
            String value = h.getValue();
            // Framing is this writer's alone, and a CR or LF in a header would split the response.
            if (value == null || name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")
                    || name.equalsIgnoreCase("Connection") || unsafe(name) || unsafe(value)) {
                continue;
            }
            header(name, value);
        }
    }

    private void header(String name, String value) {
        ascii(name);
        ensure(2);
        buf[count++] = ':';
        buf[count++] = ' ';
        ascii(value);
        crlf();
    }

    /** The connection's fate, then the empty line that ends the head. */
    private void end(boolean http10, boolean keepAlive) {
        if (!keepAlive) {
            header("Connection", "close");
        } else if (http10) {
            header("Connection", "keep-alive");
        }
        crlf();
    }

    private void crlf() {
        ensure(2);
        buf[count++] = '\r';
        buf[count++] = '\n';
    }

    /** ISO-8859-1, as header bytes are; a character beyond it becomes '?'. */
    private void ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            buf[count++] = c <= 0xFF ? (byte) c : (byte) '?';
        }
    }

    private void ensure(int more) {
        if (count + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
        }
    }

    private static boolean unsafe(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n') {
                return true;
            }
        }
        return false;
    }

    private static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 200 -> "OK";
            case 201 -> "Created";
            case 204 -> "No Content";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> status < 400 ? "OK" : status < 500 ? "Client Error" : "Server Error";
        };
    }
}
