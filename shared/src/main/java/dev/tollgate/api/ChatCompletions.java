package dev.tollgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.GatewayRequest;
import dev.tollgate.core.GatewayResponse;
import dev.tollgate.errors.ClientError;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.log.RequestLog;

import java.io.IOException;

/** {@code POST /v1/chat/completions}: validate, pick a target in route order, answer whole or streamed. */
public final class ChatCompletions {

    private final ChatRouter router;
    private final RequestLog log;

    public ChatCompletions(ChatRouter router, RequestLog log) {
        this.router = router;
        this.log = log;
    }

    public GatewayResponse handle(GatewayRequest request, RequestContext context) {
        ObjectNode body = parse(request.body());
        boolean stream = body.path("stream").asBoolean(false);
        boolean clientWantsUsage = body.path("stream_options").path("include_usage").asBoolean(false);
        return switch (router.send(body, stream, clientWantsUsage, context)) {
            case ChatRouter.Streaming streaming -> new GatewayResponse.Streamed(200,
                    context.headers("text/event-stream; charset=utf-8"),
                    out -> new SsePump(streaming.chunks(), context, log).writeTo(out));
            case ChatRouter.Whole whole -> {
                context.finished(200, whole.result().usage(), "ok");
                log.write(context.summary());
                yield new GatewayResponse.Buffered(200, context.headers("application/json"), whole.result().body());
            }
        };
    }

    /** Checks what every provider needs; everything else passes through untouched. */
    static ObjectNode parse(byte[] bytes) {
        JsonNode node;
        try {
            node = JsonCodec.parse(bytes);
        } catch (IOException e) {
            throw ClientError.invalidJson();
        }
        if (node == null || node.isMissingNode()) {
            throw ClientError.invalidJson();
        }
        if (!node.isObject()) {
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
        ChatRequestRules.check(body);
        return body;
    }
}
