package dev.tollgate.bench;

import dev.tollgate.http.UpstreamClient;
import dev.tollgate.http.UpstreamRequest;
import dev.tollgate.http.UpstreamResponse;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * An in-process upstream for the JMH benchmarks: answers every request with a fixed OpenAI chat completion (with
 * usage) without touching the network, so a benchmark measures the gateway's own work and not an HTTP client's.
 */
final class StubUpstreamClient implements UpstreamClient {

    static final byte[] COMPLETION = ("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1735689600,"
            + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"tok tok tok tok tok tok tok tok tok tok tok tok tok tok tok tok tok tok tok tok\","
            + "\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":24,"
            + "\"completion_tokens\":20,\"total_tokens\":44},\"system_fingerprint\":\"fp_bench\"}")
            .getBytes(StandardCharsets.UTF_8);

    private static final HttpHeaders HEADERS = HttpHeaders.of(
            Map.of("content-type", List.of("application/json")), (name, value) -> true);

    @Override
    public UpstreamResponse<byte[]> send(UpstreamRequest request) {
        return new UpstreamResponse<>(200, HEADERS.map(), COMPLETION);
    }

    @Override
    public UpstreamResponse<InputStream> stream(UpstreamRequest request) {
        return new UpstreamResponse<>(200, HEADERS.map(), new ByteArrayInputStream(COMPLETION));
    }
}
