package dev.tollgate.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.routing.AttemptPolicy;
import dev.tollgate.routing.RouteNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Loads the routing config in two phases: the raw YAML/JSON tree, then a validated {@link GatewayConfig}.
 * All problems are collected and reported together, each with the path of the field at fault.
 */
public final class ConfigLoader {

    /** Prefix of a config location that names a resource inside the deployed package rather than a file. */
    public static final String CLASSPATH_PREFIX = "classpath:";

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Set<String> ROOT_FIELDS = Set.of("models", "keys");
    private static final Set<String> MODEL_FIELDS =
            Set.of("name", "aliases", "targets", "route", "policy", "description", "log_payloads");
    private static final Set<String> KEY_FIELDS = Set.of("id", "sha256", "team", "tier");

    private final Problems problems = new Problems();
    private final RouteParser routes = new RouteParser(problems);

    private ConfigLoader() {
    }

    /** Reads YAML (a superset of JSON) text into the raw tree. */
    public static ObjectNode readRaw(String text, String source) {
        try {
            JsonNode node = new ObjectMapper(new YAMLFactory())
                    .configure(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, true).readTree(text);
            if (node == null || !node.isObject()) {
                throw new ConfigException(source, List.of("(root): expected a mapping with 'models' and 'keys'"));
            }
            return (ObjectNode) node;
        } catch (IOException e) {
            throw new ConfigException(source, List.of("(root): not valid YAML or JSON: " + firstLine(e.getMessage())));
        }
    }

    /**
     * Loads the config named by {@code TOLLGATE_CONFIG}: {@code classpath:tollgate.yaml} is a resource shipped
     * inside the deployment package (a Lambda function has no other file of ours to read), anything else a path.
     */
    public static GatewayConfig load(String location) {
        if (!location.startsWith(CLASSPATH_PREFIX)) {
            return load(Path.of(location));
        }
        String name = location.substring(CLASSPATH_PREFIX.length());
        while (name.startsWith("/")) {
            name = name.substring(1);
        }
        String text;
        try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new ConfigException(location, List.of("(file): no such resource in the deployed package"));
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(location, List.of("(file): cannot be read: " + e.getClass().getSimpleName()));
        }
        return validate(readRaw(text, location), location);
    }

    public static GatewayConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of("(file): cannot be read: " + e.getClass().getSimpleName()));
        }
        return validate(readRaw(text, file.toString()), file.toString());
    }

    /** Phase two: a raw tree to a validated config, or a {@link ConfigException} listing every problem. */
    public static GatewayConfig validate(ObjectNode raw, String source) {
        ConfigLoader loader = new ConfigLoader();
        GatewayConfig config = loader.build(raw);
        if (loader.problems.count() > 0) {
            throw new ConfigException(source, loader.problems.all());
        }
        return config;
    }

    private GatewayConfig build(ObjectNode raw) {
        problems.unknownFields(raw, ROOT_FIELDS, "");
        List<ModelRoute> routes = new ArrayList<>();
        Set<String> names = new HashSet<>();
        JsonNode models = raw.get("models");
        if (models == null || !models.isArray() || models.isEmpty()) {
            problems.add("models: required, a non-empty list of models");
        } else {
            for (int i = 0; i < models.size(); i++) {
                ModelRoute route = model(models.get(i), "models[" + i + "]");
                if (route == null) {
                    continue;
                }
                List<String> all = new ArrayList<>(route.aliases());
                all.addFirst(route.name());
                for (String name : all) {
                    if (!names.add(name)) {
                        problems.add("models[" + i + "]: the name or alias '" + name + "' is already used");
                    }
                }
                routes.add(route);
            }
        }
        List<GatewayKey> keys = new ArrayList<>();
        JsonNode keyList = raw.get("keys");
        if (keyList != null && !keyList.isArray()) {
            problems.add("keys: expected a list");
        } else if (keyList != null) {
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < keyList.size(); i++) {
                GatewayKey key = key(keyList.get(i), "keys[" + i + "]");
                if (key != null && !ids.add(key.id())) {
                    problems.add("keys[" + i + "].id: '" + key.id() + "' is already used");
                }
                if (key != null) {
                    keys.add(key);
                }
            }
        }
        checkRefs(routes);
        return new GatewayConfig(routes, keys);
    }

    private ModelRoute model(JsonNode node, String path) {
        if (!node.isObject()) {
            problems.add(path + ": expected a mapping");
            return null;
        }
        problems.unknownFields(node, MODEL_FIELDS, path + ".");
        String name = problems.requiredText(node, "name", path);
        List<String> aliases = new ArrayList<>();
        JsonNode aliasList = node.get("aliases");
        if (aliasList != null) {
            if (!aliasList.isArray()) {
                problems.add(path + ".aliases: expected a list of names");
            } else {
                for (int i = 0; i < aliasList.size(); i++) {
                    JsonNode alias = aliasList.get(i);
                    if (!alias.isTextual() || alias.asText().isBlank()) {
                        problems.add(path + ".aliases[" + i + "]: expected a non-empty name");
                    } else {
                        aliases.add(alias.asText());
                    }
                }
            }
        }
        RouteNode root;
        if (node.has("targets") == node.has("route")) {
            problems.add(path + ": give either 'targets' (a fallback list) or 'route' (a route tree)");
            root = null;
        } else if (node.has("targets")) {
            root = routes.targetList(node.get("targets"), path + ".targets");
        } else {
            root = routes.node(node.get("route"), path + ".route");
        }
        AttemptPolicy policy = routes.policy(node.get("policy"), path + ".policy");
        Boolean logPayloads = problems.bool(node, "log_payloads", path, false);
        return name == null || root == null || logPayloads == null ? null
                : new ModelRoute(name, aliases, root, policy, logPayloads);
    }

    /** Every ref names a model, and no chain of refs comes back to where it started. */
    private void checkRefs(List<ModelRoute> models) {
        Map<String, ModelRoute> byName = new HashMap<>();
        models.forEach(m -> {
            byName.put(m.name(), m);
            m.aliases().forEach(a -> byName.put(a, m));
        });
        this.routes.refs.forEach((name, paths) -> {
            if (!byName.containsKey(name)) {
                paths.forEach(p -> problems.add(p + ": no model named '" + name + "'"));
            }
        });
        for (ModelRoute model : models) {
            String cycle = RefCycles.find(model, byName);
            if (cycle != null) {
                problems.add("models: routes refer to each other in a cycle: " + cycle);
                return;
            }
        }
    }

    private GatewayKey key(JsonNode node, String path) {
        if (!node.isObject()) {
            problems.add(path + ": expected a mapping with 'id' and 'sha256'");
            return null;
        }
        problems.unknownFields(node, KEY_FIELDS, path + ".");
        String id = problems.requiredText(node, "id", path);
        String hash = problems.requiredText(node, "sha256", path);
        String team = node.has("team") ? problems.requiredText(node, "team", path) : null;
        String tier = node.has("tier") ? problems.requiredText(node, "tier", path) : null;
        if (hash != null && !SHA256_HEX.matcher(hash).matches()) {
            problems.add(path + ".sha256: expected 64 lowercase hex characters (the SHA-256 of the key)");
            return null;
        }
        return id == null || hash == null ? null : new GatewayKey(id, hash, team, tier);
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }
}
