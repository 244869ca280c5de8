package dev.tollgate.core;

import java.time.Instant;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One HTTP request as the core sees it, whichever door (Lambda event or local server) it came through.
 * {@code deadline} is when the door must have answered (a Lambda's remaining time), or null for none.
 */
public record GatewayRequest(String method, String path, Map<String, String> headers, byte[] body, Instant deadline) {

    public GatewayRequest(String method, String path, Map<String, String> headers, byte[] body) {
        this(method, path, headers, body, null);
    }

    public GatewayRequest {
        method = method.toUpperCase(Locale.ROOT);
        headers = folded(headers);
        body = body == null ? new byte[0] : body;
    }

    /**
     * Headers by case-insensitive name, read-only. A map already folded that way (the local server builds one while
     * it parses, keeping each name's first value) is only wrapped, not copied again on every request.
     */
    private static Map<String, String> folded(Map<String, String> headers) {
        if (headers instanceof SortedMap<String, String> sorted
                && sorted.comparator() == String.CASE_INSENSITIVE_ORDER) {
            return Collections.unmodifiableSortedMap(sorted);
        }
        TreeMap<String, String> folded = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) {
            folded.putAll(headers);
        }
        return Collections.unmodifiableSortedMap(folded);
    }

    /** Header value by case-insensitive name, or null. */
    public String header(String name) {
        return headers.get(name);
    }
}
