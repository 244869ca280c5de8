package dev.tollgate.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.Target;
import dev.tollgate.errors.ProviderError;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.ChatCall;
import dev.tollgate.providers.ChatResult;
import dev.tollgate.providers.ChunkStream;
import dev.tollgate.providers.ProviderAdapter;
import dev.tollgate.providers.Usage;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OpenAI Chat Completions, and any server that speaks it (Groq, Mistral, vLLM, Ollama, ...). The request
 * passes through as the client sent it, with the upstream model name and, for streams, a request for
 * the usage chunk so cost is known.
 */
public final class OpenAiAdapter implements ProviderAdapter {

    private final HttpClient http;
    private final OpenAiErrorClassifier errors;
    /** Endpoint per base URL: parsing a URI on every attempt cost about 5 % of a request's core CPU (JMH, C1). */
    private final ConcurrentHashMap<URI, URI> endpoints = new ConcurrentHashMap<>();

    public OpenAiAdapter(HttpClient http, Clock clock) {
        this.http = http;
        this.errors = new OpenAiErrorClassifier(clock);
    }

    @Override
    public String type() {
        return "openai";
    }

    @Override
    public ChatResult complete(ChatCall call) {
        ObjectNode body = upstreamBody(call, false);
        HttpResponse<byte[]> response = send(call, body, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() / 100 != 2) {
            throw errors.classify(call.target().provider(), response.statusCode(), response.headers(),
                    response.body(), call.credential());
        }
        JsonNode parsed;
        try {
            parsed = JsonCodec.parse(response.body());
        } catch (IOException e) {
            throw ProviderError.malformedResponse(call.target().provider(), e);
        }
        if (parsed == null || !parsed.isObject() || !parsed.has("choices")) {
            throw ProviderError.malformedResponse(call.target().provider(), null);
        }
        return new ChatResult(response.body(), Usage.fromOpenAi(parsed.get("usage")));
    }

    @Override
    public ChunkStream openStream(ChatCall call) {
        ObjectNode body = upstreamBody(call, true);
        HttpResponse<InputStream> response = send(call, body, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() / 100 != 2) {
            byte[] errorBody;
            try (InputStream in = response.body()) {
                errorBody = in.readNBytes(64 * 1024);
            } catch (IOException e) {
                errorBody = new byte[0];
            }
            throw errors.classify(call.target().provider(), response.statusCode(), response.headers(),
                    errorBody, call.credential());
        }
        return new OpenAiChunkStream(response.body(), call.clientWantsUsage());
    }

    private ObjectNode upstreamBody(ChatCall call, boolean stream) {
        // A shallow copy: only top-level fields change, so the client's messages and tools are shared, not copied
        // (the request is read by later attempts and must stay as the client sent it).
        ObjectNode body = JsonCodec.object().setAll(call.request());
        body.put("model", call.target().model());
        if (stream) {
            body.put("stream", true);
            JsonNode options = body.get("stream_options");
            ObjectNode streamOptions = options instanceof ObjectNode o ? o.deepCopy() : JsonCodec.object();
            body.set("stream_options", streamOptions);
            streamOptions.put("include_usage", true);
        } else {
            body.remove("stream_options");
        }
        return body;
    }

    private <T> HttpResponse<T> send(ChatCall call, ObjectNode body, HttpResponse.BodyHandler<T> handler) {
        Target target = call.target();
        URI endpoint = endpoints.computeIfAbsent(target.baseUrl(), base -> URI.create(base + "/chat/completions"));
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(target.timeout())
                .header("Content-Type", "application/json")
                .header("Accept", body.path("stream").asBoolean(false) ? "text/event-stream" : "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JsonCodec.bytes(body)));
        call.credential().ifPresent(c -> request.header("Authorization", "Bearer " + c.reveal()));
        try {
            return http.send(request.build(), handler);
        } catch (HttpTimeoutException e) {
            throw ProviderError.timeout(target.provider(), e);
        } catch (ConnectException e) {
            throw ProviderError.connectionFailed(target.provider(), e);
        } catch (IOException e) {
            throw ProviderError.connectionFailed(target.provider(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProviderError.timeout(target.provider(), e);
        }
    }
}
