package dev.tollgate.http;

/**
 * Reading HTTP/1.1 header values without allocating, for the gateway's own server (requests) and client (answers).
 */
public final class HeaderValues {

    private HeaderValues() {
    }

    /** Whether a comma-separated header value lists {@code token} (case-insensitive, surrounding blanks ignored). */
    public static boolean hasToken(String value, String token) {
        int i = 0;
        while (i < value.length()) {
            int comma = value.indexOf(',', i);
            int end = comma < 0 ? value.length() : comma;
            int s = i;
            int e = end;
            while (s < e && (value.charAt(s) == ' ' || value.charAt(s) == '\t')) {
                s++;
            }
            while (e > s && (value.charAt(e - 1) == ' ' || value.charAt(e - 1) == '\t')) {
                e--;
            }
            if (e - s == token.length() && value.regionMatches(true, s, token, 0, token.length())) {
                return true;
            }
            i = end + 1;
        }
        return false;
    }

    /** A Content-Length value (1 to 18 digits, nothing else), or -1 when it is not one. */
    public static long contentLength(String value) {
        if (value.isEmpty() || value.length() > 18) {
            return -1;
        }
        long length = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            length = length * 10 + (c - '0');
        }
        return length;
    }
}
