package dev.tollgate.config;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.auth.GatewayKeys;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The embedded config for {@code ./tollgate local}: demo routes on the built-in mock provider, a demo gateway
 * key ({@code TOLLGATE_DEMO_KEY}, default {@value #DEFAULT_KEY}) and, when {@code OPENAI_API_KEY} is set, a real
 * OpenAI route.
 */
public record DemoConfig(GatewayConfig config, String demoKey) {

    public static final String DEFAULT_KEY = "tg-demo-key";
    private static final String RESOURCE = "/dev/tollgate/config/demo.yaml";

    public static DemoConfig load(Map<String, String> env) {
        ObjectNode raw = ConfigLoader.readRaw(resource(), "embedded demo config");
        String key = env.getOrDefault("TOLLGATE_DEMO_KEY", DEFAULT_KEY);
        if (key.isBlank()) {
            key = DEFAULT_KEY;
        }
        ArrayNode keys = raw.withArray("keys");
        ObjectNode demo = keys.addObject();
        demo.put("id", "demo");
        demo.put("sha256", GatewayKeys.sha256(key));
        String openAiKey = env.get("OPENAI_API_KEY");
        if (openAiKey != null && !openAiKey.isBlank()) {
            ObjectNode route = raw.withArray("models").addObject();
            route.put("name", "gpt-4o-mini");
            ObjectNode target = route.putArray("targets").addObject();
            target.put("provider", "openai");
            target.put("model", "gpt-4o-mini");
            target.put("base_url", env.getOrDefault("OPENAI_BASE_URL", "https://api.openai.com/v1"));
            target.put("credential", "env:OPENAI_API_KEY");
        }
        return new DemoConfig(ConfigLoader.validate(raw, "embedded demo config"), key);
    }

    private static String resource() {
        try (InputStream in = DemoConfig.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
