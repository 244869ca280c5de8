package dev.tollgate.routing;

import java.util.Map;
import java.util.Set;

/**
 * What a conditional branch matches on. Every stated part must match (AND); a part lists accepted values (any of).
 * Empty maps and sets are "don't care".
 */
public record Condition(Map<String, Set<String>> headers, Set<String> teams, Set<String> tiers,
                        Map<String, Set<String>> metadata, Set<String> users, Set<String> models) {

    public Condition {
        headers = Map.copyOf(headers);
        teams = Set.copyOf(teams);
        tiers = Set.copyOf(tiers);
        metadata = Map.copyOf(metadata);
        users = Set.copyOf(users);
        models = Set.copyOf(models);
    }

    public boolean matches(RequestFacts facts) {
        for (Map.Entry<String, Set<String>> header : headers.entrySet()) {
            if (!anyOf(header.getValue(), facts.header(header.getKey()))) {
                return false;
            }
        }
        for (Map.Entry<String, Set<String>> entry : metadata.entrySet()) {
            if (!anyOf(entry.getValue(), facts.metadata().get(entry.getKey()))) {
                return false;
            }
        }
        return (teams.isEmpty() || anyOf(teams, facts.team()))
                && (tiers.isEmpty() || anyOf(tiers, facts.tier()))
                && (users.isEmpty() || anyOf(users, facts.user()))
                && (models.isEmpty() || anyOf(models, facts.requestedModel()));
    }

    /** An absent value matches nothing (immutable sets refuse to be asked about null). */
    private static boolean anyOf(Set<String> accepted, String value) {
        return value != null && accepted.contains(value);
    }
}
