package dev.tollgate.api.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.errors.ClientError;
import dev.tollgate.json.JsonCodec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static dev.tollgate.api.anthropic.RequestFields.invalid;
import static dev.tollgate.api.anthropic.RequestFields.optional;
import static dev.tollgate.api.anthropic.RequestFields.required;
import static dev.tollgate.api.anthropic.RequestFields.requiredString;

/**
 * An Anthropic Messages request, validated and translated to the OpenAI Chat Completions request that every
 * route speaks.
 *
 * <p>Parameters OpenAI cannot honour are dropped and listed in {@link #dropped()} (and in the request's log
 * line): {@code top_k} (OpenAI has no top-k sampling; dropping it changes only how widely the model samples,
 * never what is asked), {@code thinking} (no OpenAI equivalent; the answer simply has no thinking blocks) and
 * {@code output_config} (effort and structured-output format are not translated). Other fields the gateway does
 * not know (cache_control, service_tier, container, ...) are ignored.
 *
 * @param model the public model name the client asked for, also the model its answer names
 * @param dropped the parameters the client sent that could not be honoured
 */
public record MessagesRequest(String model, boolean stream, ObjectNode openAi, List<String> dropped) {

    private static final List<String> DROPPED = List.of("top_k", "thinking", "output_config");

    public static MessagesRequest parse(byte[] bytes) {
        JsonNode node;
        try {
            node = JsonCodec.parse(bytes);
        } catch (IOException e) {
            throw ClientError.invalidJson();
        }
        if (node == null || !node.isObject()) {
            throw ClientError.invalidRequest(null, "The request body must be a JSON object.");
        }
        return translate(node);
    }

    static MessagesRequest translate(JsonNode body) {
        String model = requiredString(body, "model", "model");
        if (model.isBlank()) {
            throw invalid("model", "String should have at least 1 character");
        }
        JsonNode maxTokens = required(body, "max_tokens", "max_tokens");
        if (!maxTokens.isIntegralNumber() || maxTokens.asLong() < 1) {
            throw invalid("max_tokens", "Input should be an integer greater than or equal to 1");
        }
        JsonNode messages = required(body, "messages", "messages");
        if (!messages.isArray() || messages.isEmpty()) {
            throw invalid("messages", "Input should be a non-empty list of messages");
        }
        JsonNode streamNode = optional(body, "stream");
        if (streamNode != null && !streamNode.isBoolean()) {
            throw invalid("stream", "Input should be a valid boolean");
        }
        boolean stream = streamNode != null && streamNode.asBoolean();

        ObjectNode out = JsonCodec.object();
        out.put("model", model);
        ArrayNode outMessages = out.putArray("messages");
        system(optional(body, "system"), outMessages);
        MessageContent.translate(messages, outMessages);
        out.put("max_tokens", maxTokens.asLong());
        if (stream) {
            out.put("stream", true);
        }
        number(body, "temperature", out);
        number(body, "top_p", out);
        stopSequences(optional(body, "stop_sequences"), out);
        user(optional(body, "metadata"), out);
        ToolsTranslation.translate(optional(body, "tools"), optional(body, "tool_choice"), out);

        List<String> dropped = new ArrayList<>();
        for (String field : DROPPED) {
            if (optional(body, field) != null) {
                dropped.add(field);
            }
        }
        return new MessagesRequest(model, stream, out, List.copyOf(dropped));
    }

    /** The system prompt, a string or text blocks, becomes the first message. */
    private static void system(JsonNode system, ArrayNode out) {
        if (system == null) {
            return;
        }
        String text = MessageContent.systemText(system, "system");
        if (!text.isEmpty()) {
            out.addObject().put("role", "system").put("content", text);
        }
    }

    private static void number(JsonNode body, String field, ObjectNode out) {
        JsonNode value = optional(body, field);
        if (value == null) {
            return;
        }
        if (!value.isNumber()) {
            throw invalid(field, "Input should be a valid number");
        }
        out.set(field, value);
    }

    private static void stopSequences(JsonNode sequences, ObjectNode out) {
        if (sequences == null) {
            return;
        }
        if (!sequences.isArray()) {
            throw invalid("stop_sequences", "Input should be a list of strings");
        }
        for (int i = 0; i < sequences.size(); i++) {
            if (!sequences.get(i).isTextual()) {
                throw invalid("stop_sequences." + i, "Input should be a valid string");
            }
        }
        if (!sequences.isEmpty()) {
            out.set("stop", sequences);
        }
    }

    /** metadata.user_id is OpenAI's "user": an opaque id of the end user, for the provider's abuse checks. */
    private static void user(JsonNode metadata, ObjectNode out) {
        if (metadata == null) {
            return;
        }
        if (!metadata.isObject()) {
            throw invalid("metadata", "Input should be an object");
        }
        JsonNode userId = optional(metadata, "user_id");
        if (userId == null) {
            return;
        }
        if (!userId.isTextual()) {
            throw invalid("metadata.user_id", "Input should be a valid string");
        }
        out.put("user", userId.asText());
    }
}
