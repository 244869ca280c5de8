package dev.tollgate.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.pricing.ModelPrice;
import dev.tollgate.secrets.CredentialRef;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reads and checks one target of a route. */
final class TargetParser {

    static final Set<String> FIELDS = Set.of("provider", "model", "base_url", "credential", "credentials",
            "timeout_ms", "options", "id", "context_window", "price");
    private static final Set<String> PRICE_FIELDS =
            Set.of("input_per_mtok", "output_per_mtok", "cache_read_per_mtok", "cache_write_per_mtok");
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

    private final Problems problems;

    TargetParser(Problems problems) {
        this.problems = problems;
    }

    Target parse(JsonNode node, String path) {
        if (!node.isObject()) {
            problems.add(path + ": expected a mapping");
            return null;
        }
        problems.unknownFields(node, FIELDS, path + ".");
        String provider = problems.requiredText(node, "provider", path);
        ProviderKind kind = provider == null ? null : ProviderKinds.get(provider);
        if (provider != null && kind == null) {
            problems.add(path + ".provider: unknown provider '" + provider + "' (known: " + ProviderKinds.known() + ")");
        }
        String model = problems.requiredText(node, "model", path);
        int before = problems.count();
        URI baseUrl = baseUrl(node, kind, path);
        List<CredentialRef> credentials = credentials(node, kind, path);
        Long timeoutMs = problems.wholeNumber(node, "timeout_ms", path, 1, DEFAULT_TIMEOUT.toMillis());
        ObjectNode options = options(node, kind, path);
        Long contextWindow = problems.wholeNumber(node, "context_window", path, 1, 0L);
        ModelPrice price = price(node.get("price"), path + ".price");
        String id = node.has("id") ? problems.requiredText(node, "id", path) : null;
        if (kind == null || model == null || problems.count() > before) {
            return null;
        }
        return new Target(id, provider, model, baseUrl, credentials, Duration.ofMillis(timeoutMs), options,
                contextWindow, price);
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

    private List<CredentialRef> credentials(JsonNode node, ProviderKind kind, String path) {
        JsonNode single = node.get("credential");
        JsonNode pool = node.get("credentials");
        if (single != null && pool != null) {
            problems.add(path + ": give either 'credential' or 'credentials', not both");
            return List.of();
        }
        if (single == null && pool == null) {
            if (kind != null && kind.credentialRequired()) {
                problems.add(path + ".credential: required for provider '" + kind.type() + "' "
                        + "(e.g. 'secret:#" + kind.type() + "', 'env:VARIABLE', or 'none' for a keyless server)");
            }
            return List.of(new CredentialRef.None());
        }
        if (single != null) {
            CredentialRef ref = credential(single, path + ".credential");
            return ref == null ? List.of() : List.of(ref);
        }
        if (!pool.isArray() || pool.isEmpty()) {
            problems.add(path + ".credentials: expected a non-empty list of credential references");
            return List.of();
        }
        List<CredentialRef> refs = new ArrayList<>();
        for (int i = 0; i < pool.size(); i++) {
            CredentialRef ref = credential(pool.get(i), path + ".credentials[" + i + "]");
            if (ref != null) {
                refs.add(ref);
            }
        }
        return refs;
    }

    private CredentialRef credential(JsonNode value, String path) {
        if (!value.isTextual()) {
            problems.add(path + ": expected text such as 'secret:#openai' or 'env:OPENAI_API_KEY'");
            return null;
        }
        try {
            return CredentialRef.parse(value.asText());
        } catch (IllegalArgumentException e) {
            problems.add(path + ": " + e.getMessage());
            return null;
        }
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

    private ModelPrice price(JsonNode node, String path) {
        if (node == null) {
            return null;
        }
        if (!node.isObject()) {
            problems.add(path + ": expected a mapping with input_per_mtok and output_per_mtok");
            return null;
        }
        problems.unknownFields(node, PRICE_FIELDS, path + ".");
        BigDecimal input = problems.decimal(node, "input_per_mtok", path, true);
        BigDecimal output = problems.decimal(node, "output_per_mtok", path, true);
        BigDecimal cacheRead = problems.decimal(node, "cache_read_per_mtok", path, false);
        BigDecimal cacheWrite = problems.decimal(node, "cache_write_per_mtok", path, false);
        return input == null || output == null ? null : new ModelPrice(input, output, cacheRead, cacheWrite);
    }
}
