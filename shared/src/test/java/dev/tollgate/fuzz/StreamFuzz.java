package dev.tollgate.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.errors.ClientError;
import dev.tollgate.errors.ProviderError;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.ChunkStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Upstream event streams for the fuzz properties: a plausible sequence of SSE events, then damaged (events dropped,
 * duplicated or reordered, data fields mutated or replaced by junk, the bytes cut or flipped); and the checks that a
 * translator only ever fails the ways its callers handle.
 */
public final class StreamFuzz {

    /** One SSE event: an optional event name and a data payload. */
    public record Event(String name, JsonNode data) {
    }

    private StreamFuzz() {
    }

    /** The events, damaged, framed as SSE bytes. */
    public static byte[] frame(List<Event> events, Random random) {
        List<Event> damaged = new ArrayList<>(events);
        int edits = random.nextInt(4);
        for (int i = 0; i < edits && !damaged.isEmpty(); i++) {
            int at = random.nextInt(damaged.size());
            switch (random.nextInt(5)) {
                case 0 -> damaged.remove(at);
                case 1 -> damaged.add(at, damaged.get(at));
                case 2 -> damaged.add(random.nextInt(damaged.size()), damaged.remove(at));
                case 3 -> {
                    Event event = damaged.get(at);
                    JsonNode data = event.data() instanceof ObjectNode object
                            ? JsonFuzz.mutate(object, random) : JsonFuzz.value(random, 3);
                    damaged.set(at, new Event(event.name(), data));
                }
                default -> damaged.set(at, new Event(event(damaged.get(at)), JsonFuzz.value(random, 3)));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Event event : damaged) {
            StringBuilder text = new StringBuilder();
            if (event.name() != null) {
                text.append("event: ").append(event.name()).append('\n');
            }
            text.append("data: ").append(new String(JsonCodec.bytes(event.data()), StandardCharsets.UTF_8))
                    .append("\n\n");
            out.writeBytes(text.toString().getBytes(StandardCharsets.UTF_8));
        }
        byte[] bytes = out.toByteArray();
        return random.nextInt(4) == 0 ? JsonFuzz.damage(bytes, random) : bytes;
    }

    private static String event(Event event) {
        return event.name();
    }

    /**
     * Reads the stream to its end: chunks must be JSON objects, and the only failures allowed are a
     * {@link ProviderError} or an {@link IOException} (the pump turns both into a clean stream error).
     */
    public static int drain(Supplier<ChunkStream> open) {
        ChunkStream stream;
        try {
            stream = open.get();
        } catch (ProviderError expected) {
            return -1;
        } catch (RuntimeException e) {
            throw new AssertionError("opening the stream threw " + e, e);
        }
        int chunks = 0;
        try (stream) {
            for (byte[] chunk = stream.next(); chunk != null; chunk = stream.next()) {
                JsonNode parsed = JsonCodec.parse(chunk);
                if (!parsed.isObject()) {
                    fail("a chunk that is not a JSON object: " + parsed);
                }
                if (++chunks > 100_000) {
                    fail("the stream never ends");
                }
            }
            stream.usage();
        } catch (ProviderError | IOException expected) {
            return chunks;
        } catch (RuntimeException e) {
            throw new AssertionError("the stream threw " + e, e);
        }
        return chunks;
    }

    /** Runs a request mapper: it may refuse (ClientError, ProviderError) but nothing else may escape. */
    public static <T> T mapOrRefuse(Supplier<T> mapper) {
        try {
            return mapper.get();
        } catch (ClientError | ProviderError refused) {
            String message = refused.getMessage() == null ? "" : refused.getMessage();
            if (message.contains("Exception")) {
                fail("a refusal that leaks an exception: " + message);
            }
            return null;
        } catch (RuntimeException e) {
            throw new AssertionError("the mapper threw " + e, e);
        }
    }
}
