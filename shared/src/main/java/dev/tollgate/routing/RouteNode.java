package dev.tollgate.routing;

import dev.tollgate.config.Target;

import java.util.List;

/**
 * A route as written in config: a tree whose leaves are targets. The planner turns it into an ordered list of
 * targets for one request; nesting lets a fallback chain start with a weighted group, and so on.
 */
public sealed interface RouteNode {

    /** One target. */
    record Leaf(Target target) implements RouteNode {
    }

    /** Children in order: the first that answers wins. */
    record Fallback(List<RouteNode> children) implements RouteNode {
        public Fallback {
            children = List.copyOf(children);
        }
    }

    /** One child drawn by weight, the others after it in weighted-random order (so they still serve as fallbacks). */
    record Weighted(List<WeightedChild> children) implements RouteNode {
        public Weighted {
            children = List.copyOf(children);
        }
    }

    record WeightedChild(int weight, RouteNode node) {
    }

    /** Children ordered by their recent latency (EWMA; time to first token for streams), fastest first. */
    record LowestLatency(List<RouteNode> children) implements RouteNode {
        public LowestLatency {
            children = List.copyOf(children);
        }
    }

    /** Children ordered by the estimated cost of this request; those whose context window cannot fit it are skipped. */
    record Cheapest(List<RouteNode> children) implements RouteNode {
        public Cheapest {
            children = List.copyOf(children);
        }
    }

    /** The first branch whose condition matches the request; {@code otherwise} when none does (may be null). */
    record Conditional(List<Branch> branches, RouteNode otherwise) implements RouteNode {
        public Conditional {
            branches = List.copyOf(branches);
        }
    }

    record Branch(Condition condition, RouteNode then) {
    }

    /** Another model's route, by its public name. */
    record Ref(String model) implements RouteNode {
    }
}
