package dev.tollgate.providers.mock;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.errors.ProviderError;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.ChatCall;
import dev.tollgate.providers.ChatResult;
import dev.tollgate.providers.ChunkStream;
import dev.tollgate.providers.OpenAiShapes;
import dev.tollgate.providers.ProviderAdapter;
import dev.tollgate.providers.Usage;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A built-in DEMO AND TEST provider: it calls nothing and answers in OpenAI format with a deterministic
 * reply, so the gateway runs with no account and no key. Options: latency_ms (before the answer or the first
 * chunk), chunk_delay_ms, failure_rate (0..1, the share of calls that fail), failure_status, reply.
 */
public final class MockAdapter implements ProviderAdapter {

    private final Clock clock;

    public MockAdapter(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String type() {
        return "mock";
    }

    @Override
    public ChatResult complete(ChatCall call) {
        MockReply reply = prepare(call);
        ObjectNode body = OpenAiShapes.completion(reply.id(), reply.created(), call.target().model());
        ArrayNode choices = body.putArray("choices");
        int n = Math.max(1, call.request().path("n").asInt(1));
        for (int i = 0; i < n; i++) {
            OpenAiShapes.messageChoice(choices, i, OpenAiShapes.assistantMessage(reply.text(), List.of()), "stop");
        }
        body.set("usage", OpenAiShapes.usage(reply.usage()));
        body.put("service_tier", "default");
        body.put("system_fingerprint", "fp_tollgate_mock");
        return new ChatResult(JsonCodec.bytes(body), reply.usage());
    }

    @Override
    public ChunkStream openStream(ChatCall call) {
        MockReply reply = prepare(call);
        long chunkDelay = call.target().options().path("chunk_delay_ms").asLong(0);
        List<byte[]> chunks = new ArrayList<>();
        chunks.add(chunk(reply, call, delta("role", "assistant").put("content", ""), null));
        for (String piece : reply.pieces()) {
            chunks.add(chunk(reply, call, delta("content", piece), null));
        }
        chunks.add(chunk(reply, call, JsonCodec.object(), "stop"));
        if (call.clientWantsUsage()) {
            chunks.add(JsonCodec.bytes(OpenAiShapes.usageChunk(reply.id(), reply.created(), call.target().model(),
                    OpenAiShapes.usage(reply.usage()))));
        }
        return new ChunkStream() {
            private int next;

            @Override
            public byte[] next() {
                if (next >= chunks.size()) {
                    return null;
                }
                if (next > 0 && chunkDelay > 0) {
                    sleep(Duration.ofMillis(chunkDelay));
                }
                return chunks.get(next++);
            }

            @Override
            public Usage usage() {
                return next >= chunks.size() ? reply.usage() : Usage.NONE;
            }

            @Override
            public void close() {
            }
        };
    }

    private MockReply prepare(ChatCall call) {
        ObjectNode options = call.target().options();
        long latency = options.path("latency_ms").asLong(0);
        if (latency > 0) {
            sleep(Duration.ofMillis(latency));
        }
        double failureRate = options.path("failure_rate").asDouble(0);
        if (failureRate > 0 && ThreadLocalRandom.current().nextDouble() < failureRate) {
            int status = options.path("failure_status").asInt(500);
            throw status == 429 ? ProviderError.rateLimited("mock", Duration.ofSeconds(1))
                    : ProviderError.serverError("mock", status);
        }
        return MockReply.of(call.request(), options.path("reply").asText(null), clock.instant().getEpochSecond());
    }

    private static ObjectNode delta(String field, String value) {
        ObjectNode delta = JsonCodec.object();
        delta.put(field, value);
        return delta;
    }

    private static byte[] chunk(MockReply reply, ChatCall call, ObjectNode delta, String finishReason) {
        ObjectNode chunk = OpenAiShapes.chunk(reply.id(), reply.created(), call.target().model());
        chunk.put("service_tier", "default");
        chunk.put("system_fingerprint", "fp_tollgate_mock");
        OpenAiShapes.deltaChoice(chunk, delta, finishReason);
        if (call.clientWantsUsage()) {
            chunk.putNull("usage");
        }
        return JsonCodec.bytes(chunk);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProviderError.timeout("mock", e);
        }
    }
}
