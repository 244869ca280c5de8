package dev.tollgate.router.http;

import java.util.Map;

/**
 * One parsed request. {@code rawPath} is the request target's path, still percent-encoded, without the query string;
 * {@code headers} holds the first value of each header, by case-insensitive name.
 */
public record HttpRequest(String method, String rawPath, Map<String, String> headers, byte[] body) {
}
