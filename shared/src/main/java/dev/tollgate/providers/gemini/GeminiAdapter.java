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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

    private final HttpClient http;
    private final Clock clock;
    private final GeminiErrorClassifier errors;

    public GeminiAdapter(HttpClient http, Clock clock) {
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
        HttpResponse<byte[]> response = send(call, uri(call.target(), ":generateContent"), body,
                HttpResponse.BodyHandlers.ofByteArray());
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
        HttpResponse<InputStream> response = send(call, uri(call.target(), ":streamGenerateContent?alt=sse"), body,
                HttpResponse.BodyHandlers.ofInputStream());
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

    private <T> HttpResponse<T> send(ChatCall call, URI uri, ObjectNode body, HttpResponse.BodyHandler<T> handler) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(call.target().timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JsonCodec.bytes(body)));
        call.credential().ifPresent(c -> request.header("x-goog-api-key", c.reveal()));
        return UpstreamHttp.send(http, request.build(), handler, TYPE);
    }
}
