package dev.tollgate.routing;

import dev.tollgate.config.GatewayConfig;
import dev.tollgate.config.ModelRoute;
import dev.tollgate.config.Target;
import dev.tollgate.pricing.ModelPrice;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Turns a route tree and one request into the ordered list of targets to try. Pure apart from the random draw and
 * the latency figures it reads; cooldowns are applied later by the executor, which knows the time.
 */
public final class RoutePlanner {

    private final GatewayConfig config;
    private final RandomGenerator random;
    private final LatencyTracker latency;
    private final PriceLookup prices;

    public RoutePlanner(GatewayConfig config, RandomGenerator random, LatencyTracker latency, PriceLookup prices) {
        this.config = config;
        this.random = random;
        this.latency = latency;
        this.prices = prices;
    }

    public List<Target> plan(ModelRoute route, RequestFacts facts) {
        // A target reachable twice (e.g. a fallback that repeats a weighted member) is tried once.
        return List.copyOf(new LinkedHashSet<>(expand(route.root(), facts)));
    }

    private List<Target> expand(RouteNode node, RequestFacts facts) {
        return switch (node) {
            case RouteNode.Leaf leaf -> fits(leaf.target(), facts) ? List.of(leaf.target()) : List.of();
            case RouteNode.Fallback f -> concat(f.children(), facts);
            case RouteNode.Weighted w -> concat(weightedOrder(w.children()), facts);
            case RouteNode.LowestLatency l -> {
                List<List<Target>> plans = l.children().stream().map(c -> expand(c, facts)).filter(p -> !p.isEmpty())
                        .sorted(Comparator.comparingDouble(p -> latency.averageMillis(p.getFirst().id()))).toList();
                yield plans.stream().flatMap(List::stream).toList();
            }
            case RouteNode.Cheapest c -> {
                List<List<Target>> plans = c.children().stream().map(child -> expand(child, facts))
                        .filter(p -> !p.isEmpty())
                        .sorted(Comparator.comparing(p -> estimatedCost(p.getFirst(), facts))).toList();
                yield plans.stream().flatMap(List::stream).toList();
            }
            case RouteNode.Conditional c -> {
                for (RouteNode.Branch branch : c.branches()) {
                    if (branch.condition().matches(facts)) {
                        yield expand(branch.then(), facts);
                    }
                }
                yield c.otherwise() == null ? List.of() : expand(c.otherwise(), facts);
            }
            case RouteNode.Ref ref -> config.route(ref.model()).map(r -> expand(r.root(), facts)).orElse(List.of());
        };
    }

    private List<Target> concat(List<RouteNode> children, RequestFacts facts) {
        List<Target> all = new ArrayList<>();
        children.forEach(child -> all.addAll(expand(child, facts)));
        return all;
    }

    /** Weighted random order without replacement: the first pick follows the weights, and so does each next one. */
    private List<RouteNode> weightedOrder(List<RouteNode.WeightedChild> children) {
        List<RouteNode.WeightedChild> left = new ArrayList<>(children);
        List<RouteNode> order = new ArrayList<>();
        while (!left.isEmpty()) {
            long total = left.stream().mapToLong(RouteNode.WeightedChild::weight).sum();
            long draw = random.nextLong(total);
            for (int i = 0; i < left.size(); i++) {
                draw -= left.get(i).weight();
                if (draw < 0) {
                    order.add(left.remove(i).node());
                    break;
                }
            }
        }
        return order;
    }

    /** A target whose known context window cannot hold the (estimated) prompt is skipped before sending. */
    static boolean fits(Target target, RequestFacts facts) {
        return target.contextWindow() <= 0 || facts.estimatedPromptTokens() <= target.contextWindow();
    }

    /** Estimated cost of this request on a target; unknown prices sort last. */
    private BigDecimal estimatedCost(Target target, RequestFacts facts) {
        Optional<ModelPrice> price = prices.price(target);
        return price.map(p -> p.estimate(facts.estimatedPromptTokens(), facts.maxOutputTokens()))
                .orElse(BigDecimal.valueOf(Long.MAX_VALUE));
    }
}
