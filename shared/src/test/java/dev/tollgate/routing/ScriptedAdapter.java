package dev.tollgate.routing;

import dev.tollgate.errors.ProviderError;
import dev.tollgate.providers.ChatCall;
import dev.tollgate.providers.ChatResult;
import dev.tollgate.providers.ChunkStream;
import dev.tollgate.providers.ProviderAdapter;
import dev.tollgate.providers.Usage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** A provider double whose answers per upstream model are scripted: each call takes the next outcome. */
final class ScriptedAdapter implements ProviderAdapter {

    /** Every call, as "model key-credential". */
    final List<String> calls = new ArrayList<>();
    private final Map<String, Deque<Supplier<ProviderError>>> failures = new HashMap<>();

    ScriptedAdapter fail(String model, Supplier<ProviderError> error) {
        failures.computeIfAbsent(model, k -> new ArrayDeque<>()).add(error);
        return this;
    }

    @Override
    public String type() {
        return "scripted";
    }

    @Override
    public ChatResult complete(ChatCall call) {
        record(call);
        Deque<Supplier<ProviderError>> queue = failures.get(call.target().model());
        if (queue != null && !queue.isEmpty()) {
            throw queue.poll().get();
        }
        return new ChatResult(("{\"answered_by\":\"" + call.target().model() + "\"}").getBytes(StandardCharsets.UTF_8),
                new Usage(10, 5, 0));
    }

    @Override
    public ChunkStream openStream(ChatCall call) {
        complete(call);
        return new ChunkStream() {
            @Override
            public byte[] next() {
                return null;
            }

            @Override
            public Usage usage() {
                return Usage.NONE;
            }

            @Override
            public void close() {
            }
        };
    }

    private void record(ChatCall call) {
        calls.add(call.target().model() + call.credential().map(c -> " " + c.reveal()).orElse(""));
    }
}
