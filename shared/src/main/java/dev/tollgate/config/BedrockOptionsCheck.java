package dev.tollgate.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Validates the options of a {@code bedrock} target. */
final class BedrockOptionsCheck {

    static final Set<String> FIELDS = Set.of("region");
    /** An AWS region code: us-east-1, eu-central-2, us-gov-west-1, ap-southeast-5... */
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");

    private BedrockOptionsCheck() {
    }

    static List<String> problems(ObjectNode options, String path) {
        List<String> problems = new ArrayList<>();
        for (Iterator<String> it = options.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                problems.add(path + "." + field + ": unknown bedrock option (known: region)");
            }
        }
        JsonNode region = options.get("region");
        if (region != null && (!region.isTextual() || !REGION.matcher(region.asText()).matches())) {
            problems.add(path + ".region: expected an AWS region code such as 'us-east-1'");
        }
        return problems;
    }
}
