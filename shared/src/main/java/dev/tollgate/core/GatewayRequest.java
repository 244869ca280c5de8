package dev.tollgate.core;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
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
        TreeMap<String, String> folded = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) {
            folded.putAll(headers);
        }
        headers = folded;
        body = body == null ? new byte[0] : body;
    }

    /** Header value by case-insensitive name, or null. */
    public String header(String name) {
        return headers.get(name);
    }
}
