package dev.tollgate.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The options of a {@code gemini} target, checked when the config loads. {@code safety_settings} is sent as
 * Gemini's {@code safetySettings} on every request to the target, e.g.
 * {@code [{category: HARM_CATEGORY_HARASSMENT, threshold: BLOCK_ONLY_HIGH}]}.
 */
public final class GeminiOptions {

    private GeminiOptions() {
    }

    public static List<String> problems(ObjectNode options, String path) {
        List<String> problems = new ArrayList<>();
        for (Iterator<String> it = options.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!"safety_settings".equals(field)) {
                problems.add(path + "." + field + ": unknown gemini option (known: safety_settings)");
            }
        }
        JsonNode safety = options.get("safety_settings");
        if (safety != null) {
            if (!safety.isArray()) {
                problems.add(path + ".safety_settings: expected a list of {category, threshold}");
            } else {
                for (int i = 0; i < safety.size(); i++) {
                    JsonNode setting = safety.get(i);
                    if (!setting.path("category").isTextual() || !setting.path("threshold").isTextual()) {
                        problems.add(path + ".safety_settings[" + i + "]: expected {category, threshold} as text");
                    }
                }
            }
        }
        return problems;
    }
}
