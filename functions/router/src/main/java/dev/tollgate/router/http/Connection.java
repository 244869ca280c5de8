package dev.tollgate.router.http;

import dev.tollgate.core.GatewayResponse;
import dev.tollgate.errors.ClientError;
import dev.tollgate.errors.ErrorBody;

import java.io.IOException;
import java.net.Socket;
import java.util.Map;

/**
 * One client connection, served on its own platform thread: read a request, answer it, and again while the
 * connection is kept alive. Blocking reads on this thread, no hand-off: the lowest latency per request.
 */
final class Connection implements Runnable {

    /** After a refusal, what the client still sends is read and dropped (up to this), so it sees the answer. */
    private static final long LINGER_BYTES = 16L * 1024 * 1024;
    private static final int LINGER_MILLIS = 2000;

    private final Socket socket;
    private final HttpHandler handler;
    private final Limits limits;
    private final Http1Server server;
    /** Set once {@link #serve()} has the socket's output; read by the server's write sweep. */
    private volatile WatchedOutputStream output;

    Connection(Socket socket, HttpHandler handler, Limits limits, Http1Server server) {
        this.socket = socket;
        this.handler = handler;
        this.limits = limits;
        this.server = server;
    }

    @Override
    public void run() {
        try {
            serve();
        } catch (IOException gone) {
            // The client went away, timed out, or the server is closing: nothing to answer.
        } catch (RuntimeException | Error e) {
            // The gateway answers its own failures; this is a fault of the door itself. One line, no stack trace.
            System.err.println("tollgate: connection failed: " + e.getClass().getName());
        } finally {
            server.ended(this);
            closeQuietly();
        }
    }

    private void serve() throws IOException {
        RequestReader reader = new RequestReader(socket);
        output = new WatchedOutputStream(socket.getOutputStream());
        ResponseWriter writer = new ResponseWriter(output);
        int idle = (int) limits.idleTimeout().toMillis();
        int read = (int) limits.readTimeout().toMillis();
        long headNanos = limits.headTimeout().toNanos();
        while (!server.closing()) {
            socket.setSoTimeout(idle);
            if (!reader.awaitRequest()) {
                return;
            }
            RequestHead head;
            try {
                head = reader.readHead(System.nanoTime() + headNanos);
            } catch (BadRequest e) {
                refuse(reader, writer, error(e.error()), false);
                return;
            }
            socket.setSoTimeout(read);
            boolean keepAlive = head.keepAlive();
            if (head.contentLength() > limits.maxBodyBytes()) {
                refuse(reader, writer, tooLarge(head), head.http10());
                return;
            }
            if (head.expectContinue() && !head.http10() && head.hasBody() && !reader.hasBuffered()) {
                writer.writeContinue();
            }
            byte[] body;
            try {
                body = reader.readBody(head, limits.maxBodyBytes());
            } catch (BodyTooLarge e) {
                refuse(reader, writer, tooLarge(head), head.http10());
                return;
            } catch (BadRequest e) {
                refuse(reader, writer, error(e.error()), head.http10());
                return;
            }
            GatewayResponse response;
            try {
                response = handler.handle(new HttpRequest(head.method(), head.rawPath(), head.headers(), body));
            } catch (RuntimeException e) {
                System.err.println("tollgate: request handler failed: " + e.getClass().getName());
                writer.write(error(ClientError.internal()), head.isHead(), head.http10(), false);
                return;
            }
            if (!writer.write(response, head.isHead(), head.http10(), keepAlive && !server.closing())) {
                return;
            }
        }
    }

    private GatewayResponse tooLarge(RequestHead head) {
        return handler.bodyTooLarge(head.method(), head.rawPath(), limits.maxBodyBytes());
    }

    /**
     * Answers and ends the connection without reading the rest of the request. Closing a socket with unread input
     * sends a reset that can destroy the answer before the client reads it, so the output is shut first and the
     * client's remaining bytes are dropped for a short while (a lingering close, bounded in time and bytes).
     */
    private void refuse(RequestReader reader, ResponseWriter writer, GatewayResponse answer, boolean http10)
            throws IOException {
        writer.write(answer, false, http10, false);
        socket.shutdownOutput();
        socket.setSoTimeout(LINGER_MILLIS);
        reader.drain(LINGER_BYTES);
    }

    private static GatewayResponse error(ClientError e) {
        return new GatewayResponse.Buffered(e.status(), Map.of("Content-Type", "application/json"),
                ErrorBody.bytes(e));
    }

    /** Whether a write to the client has been blocked for longer than {@code timeoutNanos}. */
    boolean writeStuck(long now, long timeoutNanos) {
        WatchedOutputStream watched = output;
        return watched != null && watched.stuck(now, timeoutNanos);
    }

    void closeQuietly() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Already gone.
        }
    }
}
