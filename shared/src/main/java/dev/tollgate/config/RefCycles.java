package dev.tollgate.config;

import dev.tollgate.routing.RouteNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Finds a cycle of {@code ref}s between routes, which would make planning loop. */
final class RefCycles {

    private RefCycles() {
    }

    /** A description such as "a -> b -> a", or null. */
    static String find(ModelRoute start, Map<String, ModelRoute> byName) {
        return walk(start.root(), byName, new ArrayList<>(List.of(start.name())));
    }

    private static String walk(RouteNode node, Map<String, ModelRoute> byName, List<String> path) {
        return switch (node) {
            case RouteNode.Leaf leaf -> null;
            case RouteNode.Fallback f -> first(f.children(), byName, path);
            case RouteNode.LowestLatency l -> first(l.children(), byName, path);
            case RouteNode.Cheapest c -> first(c.children(), byName, path);
            case RouteNode.Weighted w -> first(w.children().stream().map(RouteNode.WeightedChild::node).toList(), byName, path);
            case RouteNode.Conditional c -> {
                List<RouteNode> all = new ArrayList<>(c.branches().stream().map(RouteNode.Branch::then).toList());
                if (c.otherwise() != null) {
                    all.add(c.otherwise());
                }
                yield first(all, byName, path);
            }
            case RouteNode.Ref ref -> {
                ModelRoute target = byName.get(ref.model());
                if (target == null) {
                    yield null;
                }
                if (path.contains(target.name())) {
                    yield String.join(" -> ", path) + " -> " + target.name();
                }
                path.add(target.name());
                String found = walk(target.root(), byName, path);
                path.removeLast();
                yield found;
            }
        };
    }

    private static String first(List<RouteNode> nodes, Map<String, ModelRoute> byName, List<String> path) {
        for (RouteNode node : nodes) {
            String found = walk(node, byName, path);
            if (found != null) {
                return found;
            }
        }
        return null;
    }
}
