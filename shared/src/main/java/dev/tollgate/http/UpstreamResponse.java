package dev.tollgate.http;

import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Map;

/**
 * An upstream answer: status, header fields (looked up case-insensitively) and body.
 *
 * @param headerFields the fields by name, in a map whose lookups ignore case (as the client builds it)
 */
public record UpstreamResponse<T>(int statusCode, Map<String, List<String>> headerFields, T body) {

    /**
     * The headers as the error classifiers read them. Built on each call rather than with every answer: only a
     * failed answer's headers are read, so a successful one never pays for the copy.
     */
    public HttpHeaders headers() {
        return HttpHeaders.of(headerFields, (name, value) -> true);
    }
}
