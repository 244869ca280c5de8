package dev.tollgate.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The validated routing configuration: routes by public name or alias, and the accepted gateway keys. */
public final class GatewayConfig {

    private final List<ModelRoute> routes;
    private final Map<String, ModelRoute> byName;
    private final List<GatewayKey> keys;

    GatewayConfig(List<ModelRoute> routes, List<GatewayKey> keys) {
        this.routes = List.copyOf(routes);
        this.keys = List.copyOf(keys);
        Map<String, ModelRoute> names = new LinkedHashMap<>();
        for (ModelRoute route : routes) {
            names.put(route.name(), route);
            route.aliases().forEach(alias -> names.put(alias, route));
        }
        this.byName = Map.copyOf(names);
    }

    public List<ModelRoute> routes() {
        return routes;
    }

    public List<GatewayKey> keys() {
        return keys;
    }

    public Optional<ModelRoute> route(String modelOrAlias) {
        return Optional.ofNullable(byName.get(modelOrAlias));
    }

    /** Every public name, aliases included, in config order. */
    public Collection<String> publicNames() {
        return routes.stream()
                .flatMap(r -> java.util.stream.Stream.concat(java.util.stream.Stream.of(r.name()), r.aliases().stream()))
                .toList();
    }
}
