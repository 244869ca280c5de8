package dev.tollgate.providers.gemini;

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
import java.net.URLEncoder;
import dev.tollgate.http.UpstreamClient;
import dev.tollgate.http.UpstreamRequest;
import dev.tollgate.http.UpstreamResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * Google's Gemini API ({@code generativelanguage.googleapis.com}): {@code models/{model}:generateContent} and
 * {@code :streamGenerateContent?alt=sse}, the key in the {@code x-goog-api-key} header. Requests are translated
 * from OpenAI's format by {@link GeminiRequestMapper}, answers back by {@link GeminiResponseMapper} and
 * {@link GeminiChunkStream}, failures by {@link GeminiErrorClassifier}.
 */
public final class GeminiAdapter implements ProviderAdapter {

    static final String TYPE = "gemini";

    private final UpstreamClient http;
    private final Clock clock;
    private final GeminiErrorClassifier errors;

    public GeminiAdapter(UpstreamClient http, Clock clock) {
        this.http = http;
        this.clock = clock;
        this.errors = new GeminiErrorClassifier(clock);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public ChatResult complete(ChatCall call) {
        ObjectNode body = translate(call);
        UpstreamResponse<byte[]> response = UpstreamHttp.send(http,
                request(call, uri(call.target(), ":generateContent"), body), TYPE);
        if (response.statusCode() / 100 != 2) {
            throw errors.classify(TYPE, response.statusCode(), response.headers(), response.body(),
                    call.credential());
        }
        JsonNode parsed;
        try {
            parsed = JsonCodec.parse(response.body());
        } catch (IOException e) {
            throw ProviderError.malformedResponse(TYPE, e);
        }
        if (parsed == null || !parsed.isObject()) {
            throw ProviderError.malformedResponse(TYPE, null);
        }
        return GeminiResponseMapper.toChatCompletion(parsed, call.target().model(), clock.instant().getEpochSecond());
    }

    @Override
    public ChunkStream openStream(ChatCall call) {
        ObjectNode body = translate(call);
        UpstreamResponse<InputStream> response = UpstreamHttp.stream(http,
                request(call, uri(call.target(), ":streamGenerateContent?alt=sse"), body), TYPE);
        if (response.statusCode() / 100 != 2) {
            byte[] errorBody = UpstreamHttp.errorBody(response.body());
            throw errors.classify(TYPE, response.statusCode(), response.headers(), errorBody, call.credential());
        }
        return new GeminiChunkStream(response.body(), call.target().model(), clock.instant().getEpochSecond(),
                call.clientWantsUsage()).prime();
    }

    private static ObjectNode translate(ChatCall call) {
        return GeminiRequestMapper.map(call.request(), call.target().model(), call.target().options());
    }

    /** {@code {base}/models/{model}{method}}; a model given as "models/x" or "tunedModels/x" keeps its prefix. */
    static URI uri(Target target, String method) {
        String model = target.model();
        String resource = model.contains("/") ? model : "models/" + model;
        StringBuilder path = new StringBuilder();
        for (String segment : resource.split("/")) {
            path.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return URI.create(target.baseUrl().toString() + path + method);
    }

    private static UpstreamRequest request(ChatCall call, URI uri, ObjectNode body) {
        UpstreamRequest.Builder request = UpstreamRequest.post(uri, JsonCodec.bytes(body))
                .timeout(call.target().timeout())
                .header("Content-Type", "application/json");
        call.credential().ifPresent(c -> request.header("x-goog-api-key", c.reveal()));
        return request.build();
    }
}
