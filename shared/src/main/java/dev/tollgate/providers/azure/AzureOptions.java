package dev.tollgate.providers.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.Target;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The options of an {@code azure} target and the URL they select. {@code api: deployments} (the default) is the
 * classic form {@code {base}/openai/deployments/{deployment}/chat/completions?api-version={api_version}}, the
 * deployment defaulting to the target's model; {@code api: v1} is {@code {base}/openai/v1/chat/completions} with
 * the model in the body, and an {@code api-version} query only when one is given.
 */
public record AzureOptions(String api, String deployment, String apiVersion) {

    public static final String DEFAULT_API_VERSION = "2024-10-21";
    private static final Set<String> FIELDS = Set.of("api", "deployment", "api_version");
    private static final Pattern API_VERSION = Pattern.compile("\\d{4}-\\d{2}-\\d{2}(-preview)?|preview|latest");
    private static final Pattern DEPLOYMENT = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public static AzureOptions of(Target target) {
        ObjectNode options = target.options();
        String api = options.path("api").asText("deployments");
        String deployment = options.path("deployment").asText(target.model());
        String version = options.path("api_version").asText("v1".equals(api) ? null : DEFAULT_API_VERSION);
        return new AzureOptions(api, deployment, version);
    }

    public boolean v1() {
        return "v1".equals(api);
    }

    public URI chatUri(URI base) {
        String query = apiVersion == null ? "" : "?api-version=" + apiVersion;
        if (v1()) {
            return URI.create(base + "/openai/v1/chat/completions" + query);
        }
        String segment = URLEncoder.encode(deployment, StandardCharsets.UTF_8).replace("+", "%20");
        return URI.create(base + "/openai/deployments/" + segment + "/chat/completions" + query);
    }

    public static List<String> problems(ObjectNode options, String path) {
        List<String> problems = new ArrayList<>();
        for (Iterator<String> it = options.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                problems.add(path + "." + field + ": unknown azure option (known: api, api_version, deployment)");
            }
        }
        JsonNode api = options.get("api");
        if (api != null && !(api.isTextual() && Set.of("deployments", "v1").contains(api.asText()))) {
            problems.add(path + ".api: expected 'deployments' (the default) or 'v1'");
        }
        JsonNode deployment = options.get("deployment");
        if (deployment != null) {
            if (!deployment.isTextual() || !DEPLOYMENT.matcher(deployment.asText()).matches()) {
                problems.add(path + ".deployment: expected a deployment name (letters, digits, '.', '_', '-')");
            } else if (api != null && "v1".equals(api.asText())) {
                problems.add(path + ".deployment: not used with api 'v1', which takes the target's model");
            }
        }
        JsonNode version = options.get("api_version");
        if (version != null && !(version.isTextual() && API_VERSION.matcher(version.asText()).matches())) {
            problems.add(path + ".api_version: expected a version such as '" + DEFAULT_API_VERSION
                    + "' or '2025-04-01-preview'");
        }
        return problems;
    }
}
