package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.budget.Budgets;
import dev.tollgate.budget.Metering;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.config.GatewayKey;
import dev.tollgate.config.ModelRoute;
import dev.tollgate.config.Target;
import dev.tollgate.errors.ClientError;
import dev.tollgate.providers.ChatResult;
import dev.tollgate.providers.ChunkStream;
import dev.tollgate.routing.AttemptGuard;
import dev.tollgate.routing.FallbackExecutor;
import dev.tollgate.routing.RequestFacts;
import dev.tollgate.routing.RoutePlanner;
import dev.tollgate.routing.RouteSwitch;
import dev.tollgate.routing.TargetHealth;
import dev.tollgate.routing.WatchedChunkStream;

import java.time.Clock;
import java.util.List;

/**
 * Sends one OpenAI-format chat request along its route: plan the targets for this request, then walk them with
 * the route's attempt policy. Every inbound format (OpenAI, Anthropic) translates to this request and renders what
 * comes back in its own format.
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
    private final RoutePlanner planner;
    private final FallbackExecutor executor;
    private final TargetHealth health;
    private final RouteSwitch routeSwitch;
    private final Budgets budgets;
    private final Clock clock;

    /** @param budgets budgets, rate limits and the usage ledger; null to run without them */
    public ChatRouter(GatewayConfig config, RoutePlanner planner, FallbackExecutor executor, TargetHealth health,
                      RouteSwitch routeSwitch, Budgets budgets, Clock clock) {
        this.config = config;
        this.planner = planner;
        this.executor = executor;
        this.health = health;
        this.routeSwitch = routeSwitch;
        this.budgets = budgets;
        this.clock = clock;
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
        GatewayKey key = context.key();
        if (key != null && !key.mayUse(model) && !key.mayUse(route.name())) {
            throw ClientError.modelNotAllowed(model);
        }
        RequestFacts facts = RequestFacts.of(request, context::header,
                key == null ? null : key.team(), key == null ? null : key.tier());
        ModelRoute switched = routeSwitch.switchTo(route.name(), facts, key == null ? null : key.id())
                .flatMap(config::route).orElse(route);
        if (switched != route) {
            context.switchedRoute(route.name(), switched.name());
            route = switched;
        }
        if (route.logPayloads()) {
            context.logPayloads(request);
        }
        List<Target> plan = planner.plan(route, facts);
        AttemptGuard guard = AttemptGuard.NONE;
        if (budgets != null) {
            Metering metering = budgets.start(context.requestId(), key, context.header("x-tollgate-feature"),
                    route.name(), facts);
            context.meter(metering, facts.estimatedPromptTokens());
            guard = metering;
        }
        if (stream) {
            FallbackExecutor.Answer<ChunkStream> answer = executor.execute(route, plan, request, clientWantsUsage,
                    context.deadline(), context, guard, (adapter, call) -> adapter.openStream(call));
            return new Streaming(context.transcribed(new WatchedChunkStream(answer.value(), answer.target(), health,
                    route.policy().streamIdleTimeout(), clock, clock.instant().minus(answer.took()))));
        }
        FallbackExecutor.Answer<ChatResult> answer = executor.execute(route, plan, request, clientWantsUsage,
                context.deadline(), context, guard, (adapter, call) -> adapter.complete(call));
        return new Whole(context.transcribed(answer.value()));
    }
}
