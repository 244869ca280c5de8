package dev.tollgate.http;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One upstream request. {@code timeout} bounds the whole exchange of {@link UpstreamClient#send} and the wait for
 * the headers of {@link UpstreamClient#stream}; null means none. Header values may be credentials: never log them.
 */
public record UpstreamRequest(String method, URI uri, List<Header> headers, byte[] body, Duration timeout) {

    public record Header(String name, String value) {
        public Header {
            Objects.requireNonNull(name);
            Objects.requireNonNull(value);
        }

        @Override
        public String toString() {
            return name + ": <redacted>";
        }
    }

    public UpstreamRequest {
        Objects.requireNonNull(method);
        Objects.requireNonNull(uri);
        headers = List.copyOf(headers);
        body = body == null ? new byte[0] : body;
    }

    public static Builder post(URI uri, byte[] body) {
        return new Builder("POST", uri, body);
    }

    public static Builder get(URI uri) {
        return new Builder("GET", uri, null);
    }

    @Override
    public String toString() {
        return method + " " + uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
    }

    /** Collects headers in order (adapters add their credential header through it). */
    public static final class Builder {
        private final String method;
        private final URI uri;
        private final byte[] body;
        private final List<Header> headers = new ArrayList<>(6);
        private Duration timeout;

        private Builder(String method, URI uri, byte[] body) {
            this.method = method;
            this.uri = uri;
            this.body = body;
        }

        public Builder header(String name, String value) {
            headers.add(new Header(name, value));
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public UpstreamRequest build() {
            return new UpstreamRequest(method, uri, headers, body, timeout);
        }
    }
}
