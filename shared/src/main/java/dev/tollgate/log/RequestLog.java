package dev.tollgate.log;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.JsonCodec;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Structured, one-JSON-line-per-event log. It records what happened to a request (route, provider,
 * tokens, status, latency), never prompts, completions or credentials.
 */
public final class RequestLog {

    private final Consumer<String> sink;

    public RequestLog(Consumer<String> sink) {
        this.sink = sink;
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
