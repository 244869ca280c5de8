package dev.tollgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.config.ModelRoute;
import dev.tollgate.config.Target;
import dev.tollgate.core.GatewayRequest;
import dev.tollgate.core.GatewayResponse;
import dev.tollgate.errors.ClientError;
import dev.tollgate.errors.ErrorClass;
import dev.tollgate.errors.ProviderError;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.log.RequestLog;
import dev.tollgate.providers.ChatCall;
import dev.tollgate.providers.ChatResult;
import dev.tollgate.providers.ChunkStream;
import dev.tollgate.providers.ProviderRegistry;
import dev.tollgate.secrets.Credential;
import dev.tollgate.secrets.CredentialResolver;
import dev.tollgate.secrets.CredentialUnavailableException;

import java.io.IOException;
import java.util.Optional;

/** {@code POST /v1/chat/completions}: validate, pick a target in route order, answer whole or streamed. */
public final class ChatCompletions {

    private final GatewayConfig config;
    private final ProviderRegistry providers;
    private final CredentialResolver credentials;
    private final RequestLog log;

    public ChatCompletions(GatewayConfig config, ProviderRegistry providers, CredentialResolver credentials,
                           RequestLog log) {
        this.config = config;
        this.providers = providers;
        this.credentials = credentials;
        this.log = log;
    }

    public GatewayResponse handle(GatewayRequest request, RequestContext context) {
        ObjectNode body = parse(request.body());
        String model = body.get("model").asText();
        ModelRoute route = config.route(model).orElseThrow(() -> ClientError.modelNotFound(model));
        boolean stream = body.path("stream").asBoolean(false);
        boolean clientWantsUsage = body.path("stream_options").path("include_usage").asBoolean(false);
        context.routed(route.name(), stream);

        ProviderError last = null;
        for (Target target : route.targets()) {
            context.attempted(target);
            try {
                ChatCall call = new ChatCall(body, target, credential(target), clientWantsUsage);
                if (stream) {
                    ChunkStream chunks = providers.adapter(target.provider()).openStream(call);
                    return new GatewayResponse.Streamed(200, context.headers("text/event-stream; charset=utf-8"),
                            out -> new SsePump(chunks, context, log).writeTo(out));
                }
                ChatResult result = providers.adapter(target.provider()).complete(call);
                context.finished(200, result.usage(), "ok");
                log.write(context.summary());
                return new GatewayResponse.Buffered(200, context.headers("application/json"), result.body());
            } catch (ProviderError e) {
                last = e;
                context.failedAttempt(target, e);
                if (e.errorClass() == ErrorClass.FATAL) {
                    break;
                }
            }
        }
        throw last;
    }

    private Optional<Credential> credential(Target target) {
        try {
            return credentials.resolve(target.credential());
        } catch (CredentialUnavailableException e) {
            ObjectNode event = log.event("ERROR", "credential unavailable");
            event.put("target", target.label());
            event.put("reason", e.getMessage());
            log.write(event);
            throw ProviderError.credentialUnavailable(target.provider(), e);
        }
    }

    /** Checks what every provider needs; everything else passes through untouched. */
    static ObjectNode parse(byte[] bytes) {
        JsonNode node;
        try {
            node = JsonCodec.parse(bytes);
        } catch (IOException e) {
            throw ClientError.invalidJson();
        }
        if (node == null || !node.isObject()) {
            throw ClientError.invalidRequest(null, "The request body must be a JSON object.");
        }
        ObjectNode body = (ObjectNode) node;
        JsonNode model = body.get("model");
        if (model == null || model.isNull()) {
            throw ClientError.missingParam("model");
        }
        if (!model.isTextual() || model.asText().isBlank()) {
            throw ClientError.invalidRequest("model", "'model' must be a non-empty string.");
        }
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) {
            throw ClientError.missingParam("messages");
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw ClientError.invalidRequest("messages", "'messages' must be a non-empty array.");
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            if (!message.isObject() || !message.path("role").isTextual()) {
                throw ClientError.invalidRequest("messages[" + i + "]",
                        "Each message must be an object with a string 'role'.");
            }
        }
        JsonNode stream = body.get("stream");
        if (stream != null && !stream.isNull() && !stream.isBoolean()) {
            throw ClientError.invalidRequest("stream", "'stream' must be a boolean.");
        }
        return body;
    }
}
