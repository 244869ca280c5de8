package dev.tollgate.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.json.JsonCodec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What every fake provider shares: the JDK HTTP server on loopback (port 0), a record of every request, and a
 * script of replies with fault injection. A subclass speaks one provider's wire format: it checks the path and
 * the credential as the provider would, and answers unscripted requests with a normal, well-formed answer.
 */
public abstract class FakeUpstream implements AutoCloseable {

    /** One request as the fake received it. */
    public record Received(String method, String path, String query, Headers headers, byte[] body) {

        public String header(String name) {
            return headers.getFirst(name);
        }

        public JsonNode json() {
            try {
                return JsonCodec.parse(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * A scripted answer: a status, headers, and a body sent whole or as server-sent events. Faults: a delay before
     * the answer, a connection dropped after some events ({@link #cutAfter}), a clean end after some events
     * ({@link #endAfter}), and any raw (malformed) event inserted ({@link #insert}).
     */
    public static final class Reply {
        final int status;
        final Map<String, String> headers = new LinkedHashMap<>();
        final byte[] whole;
        final List<byte[]> events;
        Duration delay = Duration.ZERO;
        int cutAfter = -1;
        int endAfter = -1;

        private Reply(int status, String contentType, byte[] whole, List<byte[]> events) {
            this.status = status;
            this.whole = whole;
            this.events = events;
            headers.put("Content-Type", contentType);
        }

        public static Reply json(int status, String body) {
            return new Reply(status, "application/json; charset=UTF-8", body.getBytes(StandardCharsets.UTF_8), null);
        }

        /** Events already framed as the provider frames them (e.g. {@code data: {...}\r\n\r\n}). */
        public static Reply events(List<String> framed) {
            List<byte[]> events = new ArrayList<>();
            framed.forEach(e -> events.add(e.getBytes(StandardCharsets.UTF_8)));
            return new Reply(200, "text/event-stream", null, events);
        }

        public Reply header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        public Reply delay(Duration wait) {
            this.delay = wait;
            return this;
        }

        /** Sends this many events, then drops the connection mid-body (the declared length is never reached). */
        public Reply cutAfter(int sent) {
            this.cutAfter = sent;
            return this;
        }

        /** Sends this many events, then ends the body cleanly as if the stream were complete. */
        public Reply endAfter(int sent) {
            this.endAfter = sent;
            return this;
        }

        /** Puts a raw event (e.g. a malformed one) at this position. */
        public Reply insert(int index, String framed) {
            events.add(index, framed.getBytes(StandardCharsets.UTF_8));
            return this;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Queue<Reply> script = new ConcurrentLinkedQueue<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    protected FakeUpstream() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::serve);
        server.start();
    }

    /** The provider's rules for a request: an error reply when the path or credential is wrong, else null. */
    protected abstract Reply check(Received request);

    /** A normal answer to a valid, unscripted request. */
    protected abstract Reply answer(Received request);

    public int port() {
        return server.getAddress().getPort();
    }

    public String origin() {
        return "http://127.0.0.1:" + port();
    }

    /** Replies for the next valid requests, in order; afterwards the normal answer resumes. */
    public void enqueue(Reply... replies) {
        script.addAll(List.of(replies));
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public Received last() {
        return received.getLast();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            Received request = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(),
                    exchange.getRequestBody().readAllBytes());
            received.add(request);
            Reply reply = check(request);
            if (reply == null) {
                reply = script.poll();
            }
            if (reply == null) {
                reply = answer(request);
            }
            write(exchange, reply);
        } catch (ConnectionCut cut) {
            // Thrown out of the handler, the JDK server closes the connection without finishing the body.
            throw cut;
        } catch (IOException clientGone) {
            // the client went away
        }
    }

    /** Ends an exchange by dropping its connection. */
    private static final class ConnectionCut extends IOException {
        ConnectionCut() {
            super("connection cut on purpose");
        }
    }

    private static void write(HttpExchange exchange, Reply reply) throws IOException {
        if (!reply.delay.isZero()) {
            try {
                Thread.sleep(reply.delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        reply.headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        if (reply.events == null) {
            exchange.sendResponseHeaders(reply.status, reply.whole.length == 0 ? -1 : reply.whole.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply.whole);
            }
            return;
        }
        List<byte[]> events = reply.events;
        if (reply.cutAfter >= 0) {
            // Declare the full length, send less, close: the client sees the connection end mid-body.
            long total = events.stream().mapToLong(e -> e.length).sum();
            exchange.sendResponseHeaders(reply.status, total);
            OutputStream out = exchange.getResponseBody();
            for (byte[] event : events.subList(0, Math.min(reply.cutAfter, events.size()))) {
                out.write(event);
                out.flush();
            }
            throw new ConnectionCut();
        }
        exchange.sendResponseHeaders(reply.status, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            int limit = reply.endAfter >= 0 ? Math.min(reply.endAfter, events.size()) : events.size();
            for (byte[] event : events.subList(0, limit)) {
                out.write(event);
                out.flush();
            }
        }
    }
}
