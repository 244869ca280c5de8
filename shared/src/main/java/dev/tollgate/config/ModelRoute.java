package dev.tollgate.config;

import java.util.List;

/** A public model name (and its aliases) and the targets that serve it, tried in order. */
public record ModelRoute(String name, List<String> aliases, List<Target> targets) {

    public ModelRoute {
        aliases = List.copyOf(aliases);
        targets = List.copyOf(targets);
    }
}
