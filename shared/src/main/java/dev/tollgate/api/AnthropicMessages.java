package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.api.anthropic.MessageResponse;
import dev.tollgate.api.anthropic.MessageStreamPump;
import dev.tollgate.api.anthropic.MessageStreamTranslator;
import dev.tollgate.api.anthropic.MessagesRequest;
import dev.tollgate.core.GatewayRequest;
import dev.tollgate.core.GatewayResponse;
import dev.tollgate.errors.ProviderError;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.log.RequestLog;

/**
 * {@code POST /v1/messages}: the Anthropic Messages API, so clients built for Claude reach every route. The
 * request is translated to OpenAI format and sent through the same {@link ChatRouter} as chat completions; the
 * answer, whole or streamed, is rendered back in Anthropic format. Errors on this path are Anthropic-shaped
 * ({@link dev.tollgate.api.anthropic.AnthropicErrors}, chosen by the gateway for the path).
 */
public final class AnthropicMessages {

    private final ChatRouter router;
    private final RequestLog log;

    public AnthropicMessages(ChatRouter router, RequestLog log) {
        this.router = router;
        this.log = log;
    }

    public GatewayResponse handle(GatewayRequest request, RequestContext context) {
        MessagesRequest parsed = MessagesRequest.parse(request.body());
        if (!parsed.dropped().isEmpty()) {
            ArrayNode dropped = context.summary().putArray("dropped_params");
            parsed.dropped().forEach(dropped::add);
        }
        String messageId = "msg_" + context.requestId().replace("-", "");
        // Usage is always wanted: Anthropic's answer reports it, streamed or not.
        return switch (router.send(parsed.openAi(), parsed.stream(), true, context)) {
            case ChatRouter.Streaming streaming -> {
                MessageStreamTranslator translator = new MessageStreamTranslator(messageId, parsed.model());
                yield new GatewayResponse.Streamed(200, context.headers("text/event-stream; charset=utf-8"),
                        out -> new MessageStreamPump(streaming.chunks(), translator, context, log).writeTo(out));
            }
            case ChatRouter.Whole whole -> {
                ObjectNode message;
                try {
                    message = MessageResponse.render(whole.result().body(), whole.result().usage(), messageId,
                            parsed.model());
                } catch (IllegalArgumentException e) {
                    throw ProviderError.malformedResponse(context.providerLabel(), e);
                }
                context.finished(200, whole.result().usage(), "ok");
                log.write(context.summary());
                yield new GatewayResponse.Buffered(200, context.headers("application/json"), JsonCodec.bytes(message));
            }
        };
    }
}
