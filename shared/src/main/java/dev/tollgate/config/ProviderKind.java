package dev.tollgate.config;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.util.List;

/**
 * What the config loader needs to know of a provider type: its default base URL (null when a target must give
 * one, or when the provider has no URL), whether a credential is required, and how to check its options.
 */
public record ProviderKind(String type, URI defaultBaseUrl, boolean baseUrlRequired, boolean credentialRequired,
                           OptionsCheck options) {

    @FunctionalInterface
    public interface OptionsCheck {
        /** Problems with a target's options, each prefixed with {@code path}. */
        List<String> problems(ObjectNode options, String path);

        OptionsCheck NONE = (options, path) -> List.of();
    }
}
