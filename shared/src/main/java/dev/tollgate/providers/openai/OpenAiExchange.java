package dev.tollgate.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.Target;
import dev.tollgate.errors.ProviderError;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.ChatCall;
import dev.tollgate.providers.ChatResult;
import dev.tollgate.providers.ChunkStream;
import dev.tollgate.providers.UpstreamHttp;
import dev.tollgate.providers.Usage;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import dev.tollgate.http.UpstreamClient;
import dev.tollgate.http.UpstreamRequest;
import dev.tollgate.http.UpstreamResponse;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * One chat exchange in OpenAI's Chat Completions wire format, for every upstream that speaks it at its own URL
 * with its own auth header (OpenAI and compatible servers, Azure OpenAI): send, classify a failure, read the answer.
 */
public final class OpenAiExchange {

    private final UpstreamClient http;
    private final OpenAiErrorClassifier errors;

    public OpenAiExchange(UpstreamClient http, Clock clock) {
        this.http = http;
        this.errors = new OpenAiErrorClassifier(clock);
    }

    /** The client's request as the upstream gets it: the target's model name and, for streams, the usage chunk. */
    public static ObjectNode upstreamBody(ChatCall call, boolean stream) {
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
            body.remove("stream");
            body.remove("stream_options");
        }
        return body;
    }

    /** Sends a whole-answer request; {@code auth} adds the provider's credential header. */
    public ChatResult complete(ChatCall call, URI uri, ObjectNode body, Consumer<UpstreamRequest.Builder> auth) {
        String provider = call.target().provider();
        UpstreamResponse<byte[]> response = UpstreamHttp.send(http, request(call.target(), uri, body, false, auth),
                provider);
        if (response.statusCode() / 100 != 2) {
            throw errors.classify(provider, response.statusCode(), response.headers(), response.body(),
                    call.credential());
        }
        // The answer goes back as the upstream sent it: read what metering needs without building its tree.
        OpenAiAnswerScan answer;
        try {
            answer = OpenAiAnswerScan.of(response.body());
        } catch (IOException e) {
            throw ProviderError.malformedResponse(provider, e);
        }
        if (!answer.hasChoices()) {
            throw ProviderError.malformedResponse(provider, null);
        }
        return new ChatResult(response.body(), Usage.fromOpenAi(answer.usage()));
    }

    /** Opens a streamed request; returns once the upstream answered 2xx. */
    public ChunkStream openStream(ChatCall call, URI uri, ObjectNode body, Consumer<UpstreamRequest.Builder> auth) {
        UpstreamResponse<InputStream> response = UpstreamHttp.stream(http,
                request(call.target(), uri, body, true, auth), call.target().provider());
        if (response.statusCode() / 100 != 2) {
            byte[] errorBody = UpstreamHttp.errorBody(response.body());
            throw errors.classify(call.target().provider(), response.statusCode(), response.headers(), errorBody,
                    call.credential());
        }
        return new OpenAiChunkStream(response.body(), call.clientWantsUsage());
    }

    private static UpstreamRequest request(Target target, URI uri, ObjectNode body, boolean stream,
                                           Consumer<UpstreamRequest.Builder> auth) {
        UpstreamRequest.Builder request = UpstreamRequest.post(uri, JsonCodec.bytes(body))
                .timeout(target.timeout())
                .header("Content-Type", "application/json")
                .header("Accept", stream ? "text/event-stream" : "application/json");
        auth.accept(request);
        return request.build();
    }
}
