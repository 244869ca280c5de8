package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.config.ModelRoute;
import dev.tollgate.config.Target;
import dev.tollgate.errors.ClientError;
import dev.tollgate.errors.ErrorClass;
import dev.tollgate.errors.ProviderError;
import dev.tollgate.log.RequestLog;
import dev.tollgate.providers.ChatCall;
import dev.tollgate.providers.ChatResult;
import dev.tollgate.providers.ChunkStream;
import dev.tollgate.providers.ProviderRegistry;
import dev.tollgate.secrets.Credential;
import dev.tollgate.secrets.CredentialResolver;
import dev.tollgate.secrets.CredentialUnavailableException;

import java.util.Optional;

/**
 * Sends one OpenAI-format chat request along its route: each target in order until one answers. Every inbound
 * format (OpenAI, Anthropic) translates to this request and renders what comes back in its own format.
 */
public final class ChatRouter {

    /** What a route produced: a whole answer, or a stream whose upstream already answered 2xx. */
    public sealed interface Outcome {
    }

    public record Whole(ChatResult result) implements Outcome {
    }

    public record Streaming(ChunkStream chunks) implements Outcome {
    }

    private final GatewayConfig config;
    private final ProviderRegistry providers;
    private final CredentialResolver credentials;
    private final RequestLog log;

    public ChatRouter(GatewayConfig config, ProviderRegistry providers, CredentialResolver credentials, RequestLog log) {
        this.config = config;
        this.providers = providers;
        this.credentials = credentials;
        this.log = log;
    }

    /**
     * @param request an OpenAI Chat Completions body, already validated (model, messages)
     * @param stream whether to open a stream rather than wait for the whole answer
     * @param clientWantsUsage whether the client itself asked for the usage chunk
     */
    public Outcome send(ObjectNode request, boolean stream, boolean clientWantsUsage, RequestContext context) {
        String model = request.get("model").asText();
        ModelRoute route = config.route(model).orElseThrow(() -> ClientError.modelNotFound(model));
        context.routed(route.name(), stream);
        ProviderError last = null;
        for (Target target : route.targets()) {
            context.attempted(target);
            try {
                ChatCall call = new ChatCall(request, target, credential(target), clientWantsUsage);
                return stream ? new Streaming(providers.adapter(target.provider()).openStream(call))
                        : new Whole(providers.adapter(target.provider()).complete(call));
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
            var event = log.event("ERROR", "credential unavailable");
            event.put("target", target.label());
            event.put("reason", e.getMessage());
            log.write(event);
            throw ProviderError.credentialUnavailable(target.provider(), e);
        }
    }
}
