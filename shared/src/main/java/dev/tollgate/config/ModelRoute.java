package dev.tollgate.config;

import dev.tollgate.routing.AttemptPolicy;
import dev.tollgate.routing.RouteNode;

import java.util.ArrayList;
import java.util.List;

/**
 * A public model name (and its aliases), the route tree that serves it, its attempt policy, and whether its requests'
 * messages and completions go into their log lines ({@code log_payloads}, off unless the route opts in).
 */
public record ModelRoute(String name, List<String> aliases, RouteNode root, AttemptPolicy policy,
                         boolean logPayloads) {

    public ModelRoute {
        aliases = List.copyOf(aliases);
    }

    /** A route whose payloads are not logged. */
    public ModelRoute(String name, List<String> aliases, RouteNode root, AttemptPolicy policy) {
        this(name, aliases, root, policy, false);
    }

    /** A plain fallback chain over targets, with the default policy. */
    public ModelRoute(String name, List<String> aliases, List<Target> targets) {
        this(name, aliases, new RouteNode.Fallback(targets.stream().<RouteNode>map(RouteNode.Leaf::new).toList()),
                AttemptPolicy.DEFAULT);
    }

    /** Every target the tree names directly (not through references), in tree order. */
    public List<Target> targets() {
        List<Target> all = new ArrayList<>();
        collect(root, all);
        return all;
    }

    private static void collect(RouteNode node, List<Target> into) {
        switch (node) {
            case RouteNode.Leaf leaf -> into.add(leaf.target());
            case RouteNode.Fallback f -> f.children().forEach(c -> collect(c, into));
            case RouteNode.Weighted w -> w.children().forEach(c -> collect(c.node(), into));
            case RouteNode.LowestLatency l -> l.children().forEach(c -> collect(c, into));
            case RouteNode.Cheapest c -> c.children().forEach(child -> collect(child, into));
            case RouteNode.Conditional c -> {
                c.branches().forEach(b -> collect(b.then(), into));
                if (c.otherwise() != null) {
                    collect(c.otherwise(), into);
                }
            }
            case RouteNode.Ref ref -> { }
        }
    }
}
