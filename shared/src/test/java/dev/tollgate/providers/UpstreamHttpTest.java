package dev.tollgate.providers;

import dev.tollgate.errors.ProviderError;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import dev.tollgate.http.Http1Client;
import dev.tollgate.http.UpstreamClient;
import dev.tollgate.http.UpstreamRequest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class UpstreamHttpTest {

    @Test
    void anErrorBodyIsReadUpTo64KiBAndAnUnreadableOneIsEmpty() {
        byte[] big = new byte[100_000];
        assertEquals(64 * 1024, UpstreamHttp.errorBody(new ByteArrayInputStream(big)).length);
        assertArrayEquals("short".getBytes(), UpstreamHttp.errorBody(new ByteArrayInputStream("short".getBytes())));
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("reset");
            }
        };
        assertEquals(0, UpstreamHttp.errorBody(broken).length);
    }

    @Test
    void aRefusedConnectionIsAConnectionFailureAndASilentServerATimeout() throws IOException {
        UpstreamClient http = new Http1Client();
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        ProviderError refused = assertThrows(ProviderError.class, () -> UpstreamHttp.send(http,
                UpstreamRequest.get(URI.create("http://127.0.0.1:" + closedPort + "/")).build(), "openai"));
        assertEquals("upstream_connection_failed", refused.code());

        try (ServerSocket silent = new ServerSocket()) {
            silent.bind(new InetSocketAddress("127.0.0.1", 0));
            ProviderError timedOut = assertThrows(ProviderError.class, () -> UpstreamHttp.stream(http,
                    UpstreamRequest.get(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/"))
                            .timeout(Duration.ofMillis(200)).build(), "openai"));
            assertEquals("upstream_timeout", timedOut.code());
        }
    }
}
