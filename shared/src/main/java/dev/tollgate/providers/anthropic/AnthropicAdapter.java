package dev.tollgate.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.Target;
import dev.tollgate.errors.ProviderError;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.ChatCall;
import dev.tollgate.providers.ChatResult;
import dev.tollgate.providers.ChunkStream;
import dev.tollgate.providers.ProviderAdapter;
import dev.tollgate.providers.UpstreamHttp;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Anthropic's Messages API ({@code POST {base}/v1/messages}) behind the OpenAI Chat Completions format: the
 * request is translated ({@link AnthropicRequestMapper}), and the answer, whole or streamed, translated back.
 */
public final class AnthropicAdapter implements ProviderAdapter {

    /** Error bodies are short; a larger one is cut rather than buffered whole. */

    private final HttpClient http;
    private final Clock clock;
    private final AnthropicErrorClassifier errors;
    /** Endpoint per base URL, parsed once (as in the OpenAI adapter): not on every attempt. */
    private final ConcurrentHashMap<URI, URI> endpoints = new ConcurrentHashMap<>();

    public AnthropicAdapter(HttpClient http, Clock clock) {
        this.http = http;
        this.clock = clock;
        this.errors = new AnthropicErrorClassifier(clock);
    }

    @Override
    public String type() {
        return "anthropic";
    }

    @Override
    public ChatResult complete(ChatCall call) {
        AnthropicOptions options = AnthropicOptions.of(call.target().options());
        ObjectNode body = AnthropicRequestMapper.toAnthropic(call.request(), call.target(), options, false);
        HttpResponse<byte[]> response = send(call, options, body, HttpResponse.BodyHandlers.ofByteArray());
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
        ChatResult result = AnthropicResponseMapper.toOpenAi(parsed, clock.instant().getEpochSecond());
        if (result == null) {
            throw ProviderError.malformedResponse(call.target().provider(), null);
        }
        return result;
    }

    @Override
    public ChunkStream openStream(ChatCall call) {
        AnthropicOptions options = AnthropicOptions.of(call.target().options());
        ObjectNode body = AnthropicRequestMapper.toAnthropic(call.request(), call.target(), options, true);
        HttpResponse<InputStream> response = send(call, options, body, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() / 100 != 2) {
            byte[] errorBody = UpstreamHttp.errorBody(response.body());
            throw errors.classify(call.target().provider(), response.statusCode(), response.headers(),
                    errorBody, call.credential());
        }
        return new AnthropicStreamTranslator(response.body(), call.target().provider(),
                clock.instant().getEpochSecond(), call.clientWantsUsage(), call.credential(), errors);
    }

    private <T> HttpResponse<T> send(ChatCall call, AnthropicOptions options, ObjectNode body,
                                     HttpResponse.BodyHandler<T> handler) {
        Target target = call.target();
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        endpoints.computeIfAbsent(target.baseUrl(), base -> URI.create(base + "/v1/messages")))
                .timeout(target.timeout())
                .header("content-type", "application/json")
                .header("accept", body.path("stream").asBoolean(false) ? "text/event-stream" : "application/json")
                .header("anthropic-version", options.version())
                .POST(HttpRequest.BodyPublishers.ofByteArray(JsonCodec.bytes(body)));
        call.credential().ifPresent(c -> request.header("x-api-key", c.reveal()));
        return UpstreamHttp.send(http, request.build(), handler, target.provider());
    }
}
