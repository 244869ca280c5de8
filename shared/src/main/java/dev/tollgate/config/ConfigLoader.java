package dev.tollgate.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.secrets.CredentialRef;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
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
    private static final Set<String> MODEL_FIELDS = Set.of("name", "aliases", "targets", "description");
    private static final Set<String> TARGET_FIELDS =
            Set.of("provider", "model", "base_url", "credential", "timeout_ms", "options");
    private static final Set<String> KEY_FIELDS = Set.of("id", "sha256");
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

    private final List<String> problems = new ArrayList<>();

    private ConfigLoader() {
    }

    /** Reads YAML (a superset of JSON) text into the raw tree. */
    public static ObjectNode readRaw(String text, String source) {
        try {
            JsonNode node = new ObjectMapper(new YAMLFactory()).readTree(text);
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
        if (!loader.problems.isEmpty()) {
            throw new ConfigException(source, loader.problems);
        }
        return config;
    }

    private GatewayConfig build(ObjectNode raw) {
        unknownFields(raw, ROOT_FIELDS, "");
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
        return new GatewayConfig(routes, keys);
    }

    private ModelRoute model(JsonNode node, String path) {
        if (!node.isObject()) {
            problems.add(path + ": expected a mapping");
            return null;
        }
        unknownFields(node, MODEL_FIELDS, path + ".");
        String name = requiredText(node, "name", path);
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
        List<Target> targets = new ArrayList<>();
        JsonNode targetList = node.get("targets");
        if (targetList == null || !targetList.isArray() || targetList.isEmpty()) {
            problems.add(path + ".targets: required, a non-empty list of targets");
        } else {
            for (int i = 0; i < targetList.size(); i++) {
                Target target = target(targetList.get(i), path + ".targets[" + i + "]");
                if (target != null) {
                    targets.add(target);
                }
            }
        }
        return name == null ? null : new ModelRoute(name, aliases, targets);
    }

    private Target target(JsonNode node, String path) {
        if (!node.isObject()) {
            problems.add(path + ": expected a mapping");
            return null;
        }
        unknownFields(node, TARGET_FIELDS, path + ".");
        String provider = requiredText(node, "provider", path);
        ProviderKind kind = provider == null ? null : ProviderKinds.get(provider);
        if (provider != null && kind == null) {
            problems.add(path + ".provider: unknown provider '" + provider + "' (known: " + ProviderKinds.known() + ")");
        }
        String model = requiredText(node, "model", path);
        int before = problems.size();
        URI baseUrl = baseUrl(node, kind, path);
        CredentialRef credential = credential(node, kind, path);
        Duration timeout = timeout(node, path);
        ObjectNode options = options(node, kind, path);
        if (kind == null || model == null || problems.size() > before) {
            return null;
        }
        return new Target(provider, model, baseUrl, credential, timeout, options);
    }

    private URI baseUrl(JsonNode node, ProviderKind kind, String path) {
        JsonNode value = node.get("base_url");
        if (value == null) {
            if (kind != null && kind.baseUrlRequired()) {
                problems.add(path + ".base_url: required for provider '" + kind.type() + "'");
            }
            return kind == null ? null : kind.defaultBaseUrl();
        }
        if (!value.isTextual()) {
            problems.add(path + ".base_url: expected a URL");
            return null;
        }
        try {
            URI uri = new URI(value.asText());
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
                problems.add(path + ".base_url: expected an http(s) URL with a host, got '" + value.asText() + "'");
                return null;
            }
            String text = uri.toString();
            return URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        } catch (URISyntaxException e) {
            problems.add(path + ".base_url: not a valid URL: " + e.getReason());
            return null;
        }
    }

    private CredentialRef credential(JsonNode node, ProviderKind kind, String path) {
        JsonNode value = node.get("credential");
        if (value == null) {
            if (kind != null && kind.credentialRequired()) {
                problems.add(path + ".credential: required for provider '" + kind.type() + "' "
                        + "(e.g. 'secret:#" + kind.type() + "', 'env:VARIABLE', or 'none' for a keyless server)");
                return null;
            }
            return new CredentialRef.None();
        }
        if (!value.isTextual()) {
            problems.add(path + ".credential: expected text such as 'secret:#openai' or 'env:OPENAI_API_KEY'");
            return null;
        }
        try {
            return CredentialRef.parse(value.asText());
        } catch (IllegalArgumentException e) {
            problems.add(path + ".credential: " + e.getMessage());
            return null;
        }
    }

    private Duration timeout(JsonNode node, String path) {
        JsonNode value = node.get("timeout_ms");
        if (value == null) {
            return DEFAULT_TIMEOUT;
        }
        if (!value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() <= 0) {
            problems.add(path + ".timeout_ms: expected a positive whole number of milliseconds");
            return null;
        }
        return Duration.ofMillis(value.asLong());
    }

    private ObjectNode options(JsonNode node, ProviderKind kind, String path) {
        JsonNode value = node.get("options");
        if (value == null) {
            return JsonCodec.object();
        }
        if (!value.isObject()) {
            problems.add(path + ".options: expected a mapping");
            return null;
        }
        if (kind != null) {
            problems.addAll(kind.options().problems((ObjectNode) value, path + ".options"));
        }
        return (ObjectNode) value;
    }

    private GatewayKey key(JsonNode node, String path) {
        if (!node.isObject()) {
            problems.add(path + ": expected a mapping with 'id' and 'sha256'");
            return null;
        }
        unknownFields(node, KEY_FIELDS, path + ".");
        String id = requiredText(node, "id", path);
        String hash = requiredText(node, "sha256", path);
        if (hash != null && !SHA256_HEX.matcher(hash).matches()) {
            problems.add(path + ".sha256: expected 64 lowercase hex characters (the SHA-256 of the key)");
            return null;
        }
        return id == null || hash == null ? null : new GatewayKey(id, hash);
    }

    private String requiredText(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            problems.add(path + "." + field + ": required");
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            problems.add(path + "." + field + ": expected non-empty text");
            return null;
        }
        return value.asText();
    }

    private void unknownFields(JsonNode node, Set<String> known, String prefix) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!known.contains(field)) {
                problems.add(prefix + field + ": unknown field (known: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }
}
