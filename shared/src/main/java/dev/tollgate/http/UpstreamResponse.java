package dev.tollgate.http;

import java.net.http.HttpHeaders;

/** An upstream answer: status, headers (case-insensitive, as the error classifiers read them) and body. */
public record UpstreamResponse<T>(int statusCode, HttpHeaders headers, T body) {
}
