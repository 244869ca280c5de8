package dev.tollgate.routing;

import java.util.Optional;

/**
 * A hook that may send a request to another route than the one it named, e.g. a cheaper route once a budget scope
 * has crossed its soft limit. Consulted once per request, before planning.
 */
@FunctionalInterface
public interface RouteSwitch {

    /** The public name of the route to use instead, if any. */
    Optional<String> switchTo(String route, RequestFacts facts, String keyId);

    RouteSwitch NONE = (route, facts, keyId) -> Optional.empty();
}
