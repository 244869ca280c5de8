package dev.tollgate.budget;

import java.util.ArrayList;
import java.util.List;

/** The budget scopes a request may draw on; only those with a limit item are charged. */
public final class Scopes {

    private Scopes() {
    }

    /** Scopes that hold for the whole request, whichever target answers. */
    public static List<String> forRequest(String keyId, String team, String feature, List<String> extra) {
        List<String> scopes = new ArrayList<>();
        scopes.add("global");
        if (keyId != null) {
            scopes.add("key#" + keyId);
        }
        if (team != null) {
            scopes.add("team#" + team);
        }
        if (feature != null && !feature.isBlank()) {
            scopes.add("feature#" + feature);
        }
        scopes.addAll(extra);
        return scopes;
    }

    /** Scopes specific to one target: exhausting one of these skips the target rather than refusing the request. */
    public static List<String> forTarget(String provider, String model) {
        return List.of("provider#" + provider, "model#" + model);
    }

    public static boolean targetSpecific(String scope) {
        return scope.startsWith("provider#") || scope.startsWith("model#");
    }
}
