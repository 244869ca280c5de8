package dev.tollgate.providers.mock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.providers.Usage;

import java.util.ArrayList;
import java.util.List;

/** The mock provider's deterministic answer to a request: same messages, same reply, same usage. */
record MockReply(String id, long created, String text, List<String> pieces, Usage usage) {

    private static final int QUOTE_LIMIT = 200;

    static MockReply of(JsonNode request, String fixedReply, long created) {
        String lastUser = lastUserText(request.path("messages"));
        String text = fixedReply != null ? fixedReply
                : "This is Tollgate's mock provider. You said: " + truncate(lastUser);
        List<String> pieces = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == ' ') {
                pieces.add(text.substring(start, i));
                start = i;
            }
        }
        long promptTokens = Math.max(1, (request.path("messages").toString().length() + 3) / 4);
        Usage usage = new Usage(promptTokens, pieces.size(), 0);
        String id = "chatcmpl-mock-" + Integer.toHexString(request.path("messages").toString().hashCode());
        return new MockReply(id, created, text, pieces, usage);
    }

    private static String lastUserText(JsonNode messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode message = messages.get(i);
            if ("user".equals(message.path("role").asText())) {
                JsonNode content = message.get("content");
                if (content != null && content.isTextual()) {
                    return content.asText();
                }
                if (content != null && content.isArray()) {
                    StringBuilder text = new StringBuilder();
                    content.forEach(part -> {
                        if ("text".equals(part.path("type").asText())) {
                            text.append(part.path("text").asText());
                        }
                    });
                    return text.toString();
                }
            }
        }
        return "";
    }

    private static String truncate(String text) {
        return text.length() <= QUOTE_LIMIT ? text : text.substring(0, QUOTE_LIMIT) + "...";
    }
}
