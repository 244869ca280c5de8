package dev.tollgate.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.errors.ClientError;
import dev.tollgate.errors.ProviderError;
import dev.tollgate.json.JsonCodec;

import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Translates an OpenAI Chat Completions request into a Gemini {@code GenerateContentRequest}. Every OpenAI
 * parameter is either mapped, dropped on purpose (it cannot change the answer), or refused with a 400 naming it:
 * the gateway never sends a request whose answer would silently differ from what the client asked for.
 */
final class GeminiRequestMapper {

    /** Parameters that only describe the caller or tune OpenAI's own serving; Gemini has no use for them. */
    static final Set<String> DROPPED = Set.of("user", "metadata", "store", "service_tier", "safety_identifier",
            "prompt_cache_key", "prompt_cache_retention", "parallel_tool_calls", "prediction", "verbosity");

    /** Parameters read below; anything outside this set and {@link #DROPPED} is refused. */
    static final Set<String> MAPPED = Set.of("model", "messages", "stream", "stream_options", "temperature", "top_p",
            "max_tokens", "max_completion_tokens", "stop", "n", "seed", "presence_penalty", "frequency_penalty",
            "response_format", "tools", "tool_choice", "reasoning_effort", "logprobs", "top_logprobs", "logit_bias",
            "modalities", "audio", "web_search_options", "functions", "function_call");

    private static final Map<String, Integer> THINKING_BUDGETS = Map.of(
            "none", 0, "minimal", 512, "low", 1024, "medium", 8192, "high", 24576, "xhigh", 24576);

    private GeminiRequestMapper() {
    }

    /**
     * @param request the client's OpenAI-format body
     * @param model the upstream model name, which decides how reasoning_effort is expressed
     * @param options the target's options ({@code safety_settings})
     */
    static ObjectNode map(ObjectNode request, String model, ObjectNode options) {
        refuseUnknown(request);
        ObjectNode body = JsonCodec.object();
        GeminiContents.Mapped contents = GeminiContents.map(request.get("messages"));
        body.set("contents", contents.contents());
        if (contents.systemInstruction() != null) {
            body.set("systemInstruction", contents.systemInstruction());
        }
        GeminiTools.map(request, body);
        ObjectNode config = generationConfig(request, model);
        if (!config.isEmpty()) {
            body.set("generationConfig", config);
        }
        JsonNode safety = options.get("safety_settings");
        if (safety != null) {
            body.set("safetySettings", safety.deepCopy());
        }
        return body;
    }

    private static void refuseUnknown(ObjectNode request) {
        for (Iterator<String> it = request.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!MAPPED.contains(field) && !DROPPED.contains(field) && !request.get(field).isNull()) {
                throw unsupported(field, "it has no Gemini equivalent.");
            }
        }
        refuseIfSet(request, "logit_bias", "Gemini has no token-level bias.", true);
        refuseIfSet(request, "top_logprobs", "log probabilities are not translated for Gemini.", false);
        refuseIfSet(request, "audio", "audio output is not available through the Gemini adapter.", false);
        refuseIfSet(request, "web_search_options", "web search is not mapped to Gemini's grounding tools.", false);
        refuseIfSet(request, "functions", "the deprecated 'functions' parameter is not supported; use 'tools'.", false);
        refuseIfSet(request, "function_call", "the deprecated 'function_call' parameter is not supported; use 'tool_choice'.",
                false);
        JsonNode logprobs = request.get("logprobs");
        if (logprobs != null && logprobs.asBoolean(false)) {
            throw unsupported("logprobs", "log probabilities are not translated for Gemini.");
        }
        JsonNode n = request.get("n");
        if (n != null && !n.isNull() && n.asInt(1) != 1) {
            throw unsupported("n", "only one choice (n = 1) is supported for Gemini.");
        }
        JsonNode modalities = request.get("modalities");
        if (modalities != null && !modalities.isNull()) {
            for (JsonNode modality : modalities) {
                if (!"text".equals(modality.asText())) {
                    throw unsupported("modalities", "only text output is supported for Gemini.");
                }
            }
        }
    }

    /** Refuses a parameter that is present and not null (and, when {@code emptyIsUnset}, not an empty object). */
    private static void refuseIfSet(ObjectNode request, String field, String reason, boolean emptyIsUnset) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull() || emptyIsUnset && value.isContainerNode() && value.isEmpty()) {
            return;
        }
        throw unsupported(field, reason);
    }

    private static ObjectNode generationConfig(ObjectNode request, String model) {
        ObjectNode config = JsonCodec.object();
        copyNumber(request, "temperature", config, "temperature");
        copyNumber(request, "top_p", config, "topP");
        copyNumber(request, "presence_penalty", config, "presencePenalty");
        copyNumber(request, "frequency_penalty", config, "frequencyPenalty");
        copyNumber(request, "seed", config, "seed");
        String limitField = present(request, "max_completion_tokens") != null ? "max_completion_tokens" : "max_tokens";
        JsonNode maxTokens = present(request, limitField);
        if (maxTokens != null) {
            if (!maxTokens.isIntegralNumber() || !maxTokens.canConvertToInt() || maxTokens.asInt() < 1) {
                throw ClientError.invalidRequest(limitField, "'" + limitField + "' must be a positive integer.");
            }
            config.put("maxOutputTokens", maxTokens.asInt());
        }
        JsonNode stop = present(request, "stop");
        if (stop != null) {
            ArrayNode sequences = config.putArray("stopSequences");
            if (stop.isTextual()) {
                sequences.add(stop.asText());
            } else if (stop.isArray()) {
                stop.forEach(s -> sequences.add(s.asText()));
            } else {
                throw ClientError.invalidRequest("stop", "'stop' must be a string or an array of strings.");
            }
        }
        responseFormat(request, config);
        JsonNode effort = present(request, "reasoning_effort");
        if (effort != null) {
            config.set("thinkingConfig", thinking(effort.asText(), model));
        }
        return config;
    }

    private static void responseFormat(ObjectNode request, ObjectNode config) {
        JsonNode format = present(request, "response_format");
        if (format == null) {
            return;
        }
        switch (format.path("type").asText()) {
            case "text" -> { }
            case "json_object" -> config.put("responseMimeType", "application/json");
            case "json_schema" -> {
                JsonNode schema = format.path("json_schema").get("schema");
                config.put("responseMimeType", "application/json");
                if (schema != null && !schema.isNull()) {
                    // responseJsonSchema takes standard JSON Schema as is, so nothing is lost in a conversion.
                    config.set("responseJsonSchema", schema.deepCopy());
                }
            }
            default -> throw ClientError.invalidRequest("response_format.type",
                    "'response_format.type' must be one of text, json_object, json_schema.");
        }
    }

    /** Gemini 3 takes a thinking level; earlier thinking models take a token budget. */
    private static ObjectNode thinking(String effort, String model) {
        String level = effort.toLowerCase(Locale.ROOT);
        if (!THINKING_BUDGETS.containsKey(level)) {
            throw ClientError.invalidRequest("reasoning_effort",
                    "'reasoning_effort' must be one of none, minimal, low, medium, high.");
        }
        ObjectNode thinking = JsonCodec.object();
        String name = model.startsWith("models/") ? model.substring("models/".length()) : model;
        if (name.startsWith("gemini-3")) {
            thinking.put("thinkingLevel", switch (level) {
                case "none", "minimal" -> "minimal";
                case "xhigh" -> "high";
                default -> level;
            });
        } else {
            thinking.put("thinkingBudget", THINKING_BUDGETS.get(level));
        }
        return thinking;
    }

    private static void copyNumber(ObjectNode from, String field, ObjectNode to, String target) {
        JsonNode value = present(from, field);
        if (value == null) {
            return;
        }
        if (!value.isNumber()) {
            throw ClientError.invalidRequest(field, "'" + field + "' must be a number.");
        }
        to.set(target, value);
    }

    static JsonNode present(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value;
    }

    static ProviderError unsupported(String param, String reason) {
        return ProviderError.unsupportedParameter(GeminiAdapter.TYPE, param, reason);
    }
}
