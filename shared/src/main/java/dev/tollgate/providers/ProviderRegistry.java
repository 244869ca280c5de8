package dev.tollgate.providers;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Adapters by provider type, built once per process. */
public final class ProviderRegistry {

    private final Map<String, ProviderAdapter> adapters = new HashMap<>();

    public ProviderRegistry(List<ProviderAdapter> adapters) {
        adapters.forEach(a -> this.adapters.put(a.type(), a));
    }

    public ProviderAdapter adapter(String type) {
        ProviderAdapter adapter = adapters.get(type);
        if (adapter == null) {
            throw new IllegalStateException("no adapter for provider type " + type);
        }
        return adapter;
    }
}
