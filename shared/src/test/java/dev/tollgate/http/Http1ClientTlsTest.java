package dev.tollgate.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** https against a loopback TLS server with a self-signed certificate for "localhost" only. */
class Http1ClientTlsTest {

    @TempDir
    static Path dir;
    private static SSLContext serverContext;
    private static SSLContext clientContext;
    private static RawServer server;
    private static RawServer closing;

    @BeforeAll
    static void start() throws Exception {
        Path store = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost", "-validity", "2",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                "-keypass", "changeit").redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, output);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, "changeit".toCharArray());
        serverContext = SSLContext.getInstance("TLS");
        serverContext.init(keyManagers.getKeyManagers(), null, null);

        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("server", keys.getCertificate("server"));
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trusted);
        clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, trustManagers.getTrustManagers(), null);

        server = tlsServer((request, out, socket) -> {
            RawServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nover tls!");
            return true;
        });
        closing = tlsServer((request, out, socket) -> {
            RawServer.write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nbye!\r\n0\r\n\r\n");
            return false; // closes while the client holds the connection idle
        });
    }

    private static RawServer tlsServer(RawServer.Handler handler) throws IOException {
        SSLServerSocket socket = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getByName("localhost"));
        return new RawServer(socket, handler);
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
        closing.close();
    }

    private static UpstreamRequest request(String host, RawServer target) {
        return UpstreamRequest.post(URI.create("https://" + host + ":" + target.port() + "/v1/messages"),
                "{}".getBytes(StandardCharsets.UTF_8)).timeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void talksTlsWithTheHostNamedInTheCertificateAndReusesTheConnection() throws Exception {
        Http1Client client = new Http1Client(() -> clientContext);
        int before = server.accepts.get();
        for (int i = 0; i < 3; i++) {
            UpstreamResponse<byte[]> response = client.send(request("localhost", server));
            assertEquals("over tls!", new String(response.body(), StandardCharsets.UTF_8));
            assertEquals("over tls!", new String(client.stream(request("localhost", server)).body().readAllBytes(),
                    StandardCharsets.UTF_8));
        }
        assertEquals(before + 1, server.accepts.get(), "one TLS connection for six requests");
        assertTrue(server.requests.getLast().head().contains("Host: localhost:" + server.port() + "\r\n"));
        client.closeIdle();
    }

    @Test
    void closingATlsStreamFromAnotherThreadEndsABlockedRead() throws Exception {
        Http1Client client = new Http1Client(() -> clientContext);
        try (RawServer hanging = tlsServer((request, out, socket) -> {
            RawServer.write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
            Http1ClientTest.sleep(5000);
            return false;
        })) {
            InputStream body = client.stream(request("localhost", hanging)).body();
            assertEquals("abc", new String(body.readNBytes(3), StandardCharsets.UTF_8));
            Http1ClientTest.assertCloseFromAnotherThreadEndsABlockedRead(body);
        }
    }

    @Test
    void refusesACertificateForAnotherName() {
        Http1Client client = new Http1Client(() -> clientContext);
        // The certificate names "localhost" only, not the address 127.0.0.1.
        IOException refused = assertThrows(IOException.class, () -> client.send(request("127.0.0.1", server)));
        assertTrue(refused instanceof javax.net.ssl.SSLException, refused.toString());
    }

    @Test
    void refusesAnUntrustedCertificateWithTheDefaultTrustStore() {
        Http1Client client = new Http1Client();
        assertThrows(javax.net.ssl.SSLException.class, () -> client.send(request("localhost", server)));
    }

    @Test
    void aTlsConnectionTheServerClosedWhileIdleIsNotReused() throws Exception {
        Http1Client client = new Http1Client(() -> clientContext);
        int before = closing.accepts.get();
        for (int i = 0; i < 3; i++) {
            assertEquals("bye!", new String(client.send(request("localhost", closing)).body(),
                    StandardCharsets.UTF_8));
            closing.awaitClosed(before + i + 1);
        }
        assertEquals(before + 3, closing.accepts.get());
    }

    @Test
    void theTlsContextIsBuiltOnTheFirstHttpsConnectionOnly() throws Exception {
        AtomicInteger builds = new AtomicInteger();
        Http1Client client = new Http1Client(() -> {
            builds.incrementAndGet();
            return clientContext;
        });
        assertEquals(0, builds.get());
        int before = server.accepts.get();
        client.send(request("localhost", server));
        client.closeIdle(); // the second request needs a new connection and handshake of its own
        client.send(request("localhost", server));
        assertEquals(before + 2, server.accepts.get(), "two TLS connections");
        assertEquals(1, builds.get(), "one context for both");
        client.closeIdle();
    }
}
