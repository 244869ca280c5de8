package dev.tollgate.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP server that answers with exact bytes: each accepted connection serves requests in a loop with
 * the handler, which reads nothing itself (the request head and body are read for it) and writes what it wants.
 */
final class RawServer implements AutoCloseable {

    /** A request as received: its head (request line and headers, CRLF-separated) and body. */
    record Request(String head, byte[] body) {
        String line() {
            return head.substring(0, head.indexOf("\r\n"));
        }
    }

    interface Handler {
        /** Answers one request; returns false to stop serving the connection (the server then closes it). */
        boolean answer(Request request, OutputStream out, Socket socket) throws IOException;
    }

    private final ServerSocket server;
    private final Handler handler;
    final AtomicInteger accepts = new AtomicInteger();
    /** Connections the server has closed. */
    final AtomicInteger closed = new AtomicInteger();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    RawServer(Handler handler) throws IOException {
        this(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), handler);
    }

    RawServer(ServerSocket server, Handler handler) {
        this.server = server;
        this.handler = handler;
        Thread.ofPlatform().daemon().start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                accepts.incrementAndGet();
                sockets.add(socket);
                Thread.ofPlatform().daemon().start(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (true) {
                Request request = read(in);
                if (request == null) {
                    return;
                }
                requests.add(request);
                if (!handler.answer(request, out, socket)) {
                    return;
                }
                out.flush();
            }
        } catch (IOException e) {
            // The client went away.
        } finally {
            closed.incrementAndGet();
        }
    }

    /** Waits until the server has closed {@code count} connections (and a moment for the FIN to arrive). */
    void awaitClosed(int count) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (closed.get() < count && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        Thread.sleep(20);
    }

    private static Request read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while (matched < 4 && (b = in.read()) != -1) {
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : 0;
        }
        if (matched < 4) {
            return null;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return new Request(text, in.readNBytes(length));
    }

    static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
