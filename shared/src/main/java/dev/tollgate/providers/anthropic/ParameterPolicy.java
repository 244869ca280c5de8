package dev.tollgate.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.errors.ProviderError;

import java.math.BigDecimal;

/**
 * What happens to the OpenAI parameters Anthropic has no equivalent for (docs/providers-anthropic.md has the
 * table). A parameter whose absence would change the shape or the contract of the answer is refused when set to
 * anything but its neutral value; a best-effort hint is dropped. Fields not named here or in the mapper are
 * ignored: the Anthropic body is built field by field, never copied.
 */
final class ParameterPolicy {

    /** Best-effort hints and OpenAI-side settings: dropped whatever their value. */
    static final String[] DROPPED = {
            "presence_penalty", "frequency_penalty", "seed", "service_tier", "store", "metadata",
            "prompt_cache_key", "prompt_cache_retention", "reasoning_effort", "verbosity", "prediction",
    };

    private ParameterPolicy() {
    }

    /** Throws {@link ProviderError#unsupportedParameter} for the first parameter that cannot be honoured. */
    static void check(ObjectNode request, String provider) {
        JsonNode n = present(request, "n");
        if (n != null && !(n.isIntegralNumber() && n.asInt() == 1)) {
            throw refuse(provider, "n", "it returns one choice per request; send n=1 or omit it");
        }
        JsonNode logprobs = present(request, "logprobs");
        if (logprobs != null && logprobs.asBoolean(true)) {
            throw refuse(provider, "logprobs", "it does not return token log probabilities");
        }
        JsonNode topLogprobs = present(request, "top_logprobs");
        if (topLogprobs != null && !(topLogprobs.isIntegralNumber() && topLogprobs.asInt() == 0)) {
            throw refuse(provider, "top_logprobs", "it does not return token log probabilities");
        }
        JsonNode format = present(request, "response_format");
        if (format != null && !"text".equals(format.path("type").asText())) {
            throw refuse(provider, "response_format", "JSON mode and JSON schemas are not supported through this "
                    + "gateway's Anthropic adapter; ask for JSON in the prompt or use a tool with input_schema");
        }
        JsonNode logitBias = present(request, "logit_bias");
        if (logitBias != null && !logitBias.isEmpty()) {
            throw refuse(provider, "logit_bias", "it has no token biasing");
        }
        JsonNode modalities = present(request, "modalities");
        if (modalities != null) {
            for (JsonNode modality : modalities) {
                if (!"text".equals(modality.asText())) {
                    throw refuse(provider, "modalities", "it answers in text only");
                }
            }
        }
        if (present(request, "audio") != null) {
            throw refuse(provider, "audio", "it answers in text only");
        }
        if (present(request, "web_search_options") != null) {
            throw refuse(provider, "web_search_options", "web search is not offered through this adapter");
        }
        if (present(request, "functions") != null || present(request, "function_call") != null) {
            throw refuse(provider, "functions", "the deprecated functions API is not translated; use 'tools'");
        }
        JsonNode temperature = present(request, "temperature");
        if (temperature != null && (!temperature.isNumber() || temperature.decimalValue().signum() < 0
                || temperature.decimalValue().compareTo(BigDecimal.ONE) > 0)) {
            throw refuse(provider, "temperature", "its temperature ranges from 0 to 1 (OpenAI's from 0 to 2); "
                    + "a value above 1 has no faithful equivalent");
        }
    }

    static ProviderError refuse(String provider, String param, String why) {
        return ProviderError.unsupportedParameter(provider, param, why + ".");
    }

    /** The field, or null when absent or JSON null (null means "default" in OpenAI's API). */
    private static JsonNode present(ObjectNode request, String field) {
        JsonNode value = request.get(field);
        return value == null || value.isNull() ? null : value;
    }
}
