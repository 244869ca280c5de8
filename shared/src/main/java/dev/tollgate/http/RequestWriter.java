package dev.tollgate.http;

import java.net.URI;
import java.util.Arrays;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * The request line and headers as bytes, with room for a small body after them so that head and body go out in one
 * write without another copy. Header values never appear in an exception message: they carry credentials
 * ({@code Authorization}, {@code x-api-key}, {@code api-key}, {@code x-goog-api-key}).
 */
final class RequestWriter {

    /** Headers the client writes itself (framing and connection management are its job), as the JDK client does. */
    private static final Set<String> RESTRICTED = restricted("connection", "content-length", "expect", "host",
            "upgrade", "transfer-encoding", "keep-alive", "te", "trailer");

    /** Bodies up to this size are sent in the same write as the head (socket buffers take them whole). */
    static final int SMALL_BODY = 64 * 1024;

    private RequestWriter() {
    }

    /** The head; room for the body after it when the body is small ({@link Bytes#append}). */
    static Bytes head(UpstreamRequest request, String host) {
        int body = request.body().length;
        Bytes out = new Bytes(256 + 64 * request.headers().size() + (body <= SMALL_BODY ? body : 0));
        token(request.method(), "method");
        out.ascii(request.method()).put(' ');
        URI uri = request.uri();
        if (!isAscii(uri.getRawPath()) || !isAscii(uri.getRawQuery())) {
            uri = URI.create(uri.toASCIIString()); // percent-encodes other characters as UTF-8
        }
        String path = uri.getRawPath();
        out.ascii(path == null || path.isEmpty() ? "/" : path);
        if (uri.getRawQuery() != null) {
            out.put('?').ascii(uri.getRawQuery());
        }
        out.ascii(" HTTP/1.1\r\nHost: ").ascii(host).ascii("\r\n");
        boolean userAgent = false;
        for (UpstreamRequest.Header header : request.headers()) {
            String name = header.name();
            token(name, "header name");
            if (RESTRICTED.contains(name)) {
                throw new IllegalArgumentException("restricted header: " + name);
            }
            userAgent |= name.equalsIgnoreCase("User-Agent");
            out.ascii(name).ascii(": ").value(name, header.value()).ascii("\r\n");
        }
        if (!userAgent) {
            out.ascii("User-Agent: tollgate\r\n");
        }
        int length = request.body().length;
        if (length > 0 || !(request.method().equals("GET") || request.method().equals("HEAD"))) {
            out.ascii("Content-Length: ").ascii(Integer.toString(length)).ascii("\r\n");
        }
        out.ascii("\r\n");
        return out;
    }

    /** Names compared ignoring case, without a lower-cased copy of each header name. */
    private static Set<String> restricted(String... names) {
        TreeSet<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        set.addAll(Arrays.asList(names));
        return Collections.unmodifiableSet(set);
    }

    private static boolean isAscii(String s) {
        if (s != null) {
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) >= 0x7f) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void token(String value, String what) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("empty " + what);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                throw new IllegalArgumentException("invalid character in " + what);
            }
        }
    }

    /** A growable byte buffer, ISO-8859-1. */
    static final class Bytes {
        private byte[] bytes;
        private int size;

        Bytes(int capacity) {
            bytes = new byte[capacity];
        }

        Bytes put(char c) {
            ensure(1);
            bytes[size++] = (byte) c;
            return this;
        }

        /** Literals, tokens and a URI's raw parts (ASCII, no CR or LF: the URI parser and token() saw to it). */
        Bytes ascii(String s) {
            ensure(s.length());
            for (int i = 0; i < s.length(); i++) {
                bytes[size++] = (byte) s.charAt(i);
            }
            return this;
        }

        /** A header value: the message names the header, never the value. */
        Bytes value(String name, String value) {
            ensure(value.length());
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '\r' || c == '\n' || c == 0 || c > 0xff) {
                    throw new IllegalArgumentException("invalid character in the value of header " + name);
                }
                bytes[size++] = (byte) c;
            }
            return this;
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }

        /** Raw bytes after the head (a body). */
        void append(byte[] more) {
            ensure(more.length);
            System.arraycopy(more, 0, bytes, size, more.length);
            size += more.length;
        }

        /** The buffer itself: its first {@link #size()} bytes are the content. */
        byte[] array() {
            return bytes;
        }

        int size() {
            return size;
        }
    }
}
