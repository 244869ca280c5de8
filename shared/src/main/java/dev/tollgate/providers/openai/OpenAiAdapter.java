package dev.tollgate.providers.openai;

import dev.tollgate.providers.ChatCall;
import dev.tollgate.providers.ChatResult;
import dev.tollgate.providers.ChunkStream;
import dev.tollgate.providers.ProviderAdapter;

import java.net.URI;
import dev.tollgate.http.UpstreamClient;
import dev.tollgate.http.UpstreamRequest;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * OpenAI Chat Completions, and any server that speaks it (Groq, Mistral, vLLM, Ollama, ...). The request
 * passes through as the client sent it, with the upstream model name and, for streams, a request for
 * the usage chunk so cost is known.
 */
public final class OpenAiAdapter implements ProviderAdapter {

    private final OpenAiExchange exchange;
    /** Endpoint per base URL: parsing a URI on every attempt cost about 5 % of a request's core CPU (JMH, C1). */
    private final ConcurrentHashMap<URI, URI> endpoints = new ConcurrentHashMap<>();

    public OpenAiAdapter(UpstreamClient http, Clock clock) {
        this.exchange = new OpenAiExchange(http, clock);
    }

    @Override
    public String type() {
        return "openai";
    }

    @Override
    public ChatResult complete(ChatCall call) {
        return exchange.complete(call, uri(call), OpenAiExchange.upstreamBody(call, false), bearer(call));
    }

    @Override
    public ChunkStream openStream(ChatCall call) {
        return exchange.openStream(call, uri(call), OpenAiExchange.upstreamBody(call, true), bearer(call));
    }

    private URI uri(ChatCall call) {
        return endpoints.computeIfAbsent(call.target().baseUrl(), base -> URI.create(base + "/chat/completions"));
    }

    private static Consumer<UpstreamRequest.Builder> bearer(ChatCall call) {
        return request -> call.credential().ifPresent(c -> request.header("Authorization", "Bearer " + c.reveal()));
    }
}
