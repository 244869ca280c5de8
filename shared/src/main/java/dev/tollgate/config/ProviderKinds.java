package dev.tollgate.config;

import dev.tollgate.providers.anthropic.AnthropicOptions;
import dev.tollgate.providers.azure.AzureOptions;
import dev.tollgate.providers.gemini.GeminiOptions;

import java.net.URI;
import java.util.Map;
import java.util.TreeMap;

/** Every provider type this build knows; a config naming any other is rejected at startup. */
public final class ProviderKinds {

    private static final Map<String, ProviderKind> KINDS = new TreeMap<>();

    static {
        add(new ProviderKind("openai", URI.create("https://api.openai.com/v1"), false, true,
                ProviderKind.OptionsCheck.NONE));
        add(new ProviderKind("anthropic", URI.create("https://api.anthropic.com"), false, true,
                AnthropicOptions::problems));
        add(new ProviderKind("mock", null, false, false, MockOptionsCheck::problems));
        // No default URL: the SDK derives the regional endpoint; base_url overrides it (a VPC endpoint, a test fake).
        add(new ProviderKind("bedrock", null, false, false, BedrockOptionsCheck::problems));
        add(new ProviderKind("gemini", URI.create("https://generativelanguage.googleapis.com/v1beta"), false, true,
                GeminiOptions::problems));
        add(new ProviderKind("azure", null, true, true, AzureOptions::problems));
    }

    private ProviderKinds() {
    }

    private static void add(ProviderKind kind) {
        KINDS.put(kind.type(), kind);
    }

    public static ProviderKind get(String type) {
        return KINDS.get(type);
    }

    public static String known() {
        return String.join(", ", KINDS.keySet());
    }
}
