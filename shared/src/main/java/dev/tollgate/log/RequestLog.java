package dev.tollgate.log;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.metrics.Metrics;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Structured, one-JSON-line-per-event log. It records what happened to a request (route, provider, tokens, status,
 * latency), never credentials, and prompts and completions only for a route that opted in ({@code log_payloads}).
 * It also carries the {@link Metrics} that each request's summary is counted in, so every place that finishes a
 * request reaches both.
 */
public final class RequestLog {

    private final Consumer<String> sink;
    private final Metrics metrics;

    public RequestLog(Consumer<String> sink) {
        this(sink, Metrics.NONE);
    }

    public RequestLog(Consumer<String> sink, Metrics metrics) {
        this.sink = sink;
        this.metrics = metrics;
    }

    /** The same log, counting requests in {@code metrics}. */
    public RequestLog withMetrics(Metrics metrics) {
        return new RequestLog(sink, metrics);
    }

    public Metrics metrics() {
        return metrics;
    }

    public static RequestLog stdout() {
        return new RequestLog(line -> {
            System.out.println(line);
        });
    }

    /** A new event with the common fields; finish it with {@link #write}. */
    public ObjectNode event(String level, String message) {
        ObjectNode event = JsonCodec.object();
        event.put("timestamp", Instant.now().toString());
        event.put("level", level);
        event.put("message", message);
        return event;
    }

    public void write(ObjectNode event) {
        sink.accept(new String(JsonCodec.bytes(event), StandardCharsets.UTF_8));
    }

    public void error(String message, Throwable cause) {
        ObjectNode event = event("ERROR", message);
        if (cause != null) {
            // The class and the first frame locate the fault; the message may carry upstream text, so it stays out.
            event.put("error", cause.getClass().getName());
            StackTraceElement[] trace = cause.getStackTrace();
            if (trace.length > 0) {
                event.put("at", trace[0].toString());
            }
        }
        write(event);
    }
}
