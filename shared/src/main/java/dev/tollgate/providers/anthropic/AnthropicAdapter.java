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
import dev.tollgate.http.UpstreamClient;
import dev.tollgate.http.UpstreamRequest;
import dev.tollgate.http.UpstreamResponse;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Anthropic's Messages API ({@code POST {base}/v1/messages}) behind the OpenAI Chat Completions format: the
 * request is translated ({@link AnthropicRequestMapper}), and the answer, whole or streamed, translated back.
 */
public final class AnthropicAdapter implements ProviderAdapter {

    /** Error bodies are short; a larger one is cut rather than buffered whole. */

    private final UpstreamClient http;
    private final Clock clock;
    private final AnthropicErrorClassifier errors;
    /** Endpoint per base URL, parsed once (as in the OpenAI adapter): not on every attempt. */
    private final ConcurrentHashMap<URI, URI> endpoints = new ConcurrentHashMap<>();

    public AnthropicAdapter(UpstreamClient http, Clock clock) {
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
        UpstreamResponse<byte[]> response = UpstreamHttp.send(http, request(call, options, body),
                call.target().provider());
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
        UpstreamResponse<InputStream> response = UpstreamHttp.stream(http, request(call, options, body),
                call.target().provider());
        if (response.statusCode() / 100 != 2) {
            byte[] errorBody = UpstreamHttp.errorBody(response.body());
            throw errors.classify(call.target().provider(), response.statusCode(), response.headers(),
                    errorBody, call.credential());
        }
        return new AnthropicStreamTranslator(response.body(), call.target().provider(),
                clock.instant().getEpochSecond(), call.clientWantsUsage(), call.credential(), errors);
    }

    private UpstreamRequest request(ChatCall call, AnthropicOptions options, ObjectNode body) {
        Target target = call.target();
        UpstreamRequest.Builder request = UpstreamRequest.post(
                        endpoints.computeIfAbsent(target.baseUrl(), base -> URI.create(base + "/v1/messages")),
                        JsonCodec.bytes(body))
                .timeout(target.timeout())
                .header("content-type", "application/json")
                .header("accept", body.path("stream").asBoolean(false) ? "text/event-stream" : "application/json")
                .header("anthropic-version", options.version());
        call.credential().ifPresent(c -> request.header("x-api-key", c.reveal()));
        return request.build();
    }
}
