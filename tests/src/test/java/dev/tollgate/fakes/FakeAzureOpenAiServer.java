package dev.tollgate.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.JsonCodec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake Azure OpenAI resource on loopback. It serves
 * {@code POST /openai/deployments/{deployment}/chat/completions?api-version=...} for its deployments and
 * {@code POST /openai/v1/chat/completions}, wants the key in {@code api-key} (else 401 as Azure answers), and answers
 * as Azure does: compact JSON with keys in alphabetical order, {@code prompt_filter_results} and per-choice
 * {@code content_filter_results}; streams as {@code data: {...}\n\n} events opening with Azure's prompt-filter
 * chunk (empty choices, empty id) and closing with {@code data: [DONE]}, a usage chunk only when asked for.
 * Unscripted requests get "You said: " and the last user text.
 */
public final class FakeAzureOpenAiServer extends FakeUpstream {

    private static final Pattern DEPLOYMENT = Pattern.compile("/openai/deployments/([^/]+)/chat/completions");
    private static final String V1 = "/openai/v1/chat/completions";
    private static final String ID = "chatcmpl-BjXrA9D4pFv2Q0eKZL7m1yY3nW8sT";

    private final String apiKey;
    private final Set<String> deployments;

    public FakeAzureOpenAiServer(String apiKey, Set<String> deployments) {
        this.apiKey = apiKey;
        this.deployments = deployments;
    }

    /** The resource endpoint an azure target names as base_url. */
    public String endpoint() {
        return origin();
    }

    @Override
    protected Reply check(Received request) {
        Matcher deployment = DEPLOYMENT.matcher(request.path());
        boolean v1 = V1.equals(request.path());
        if (!"POST".equals(request.method()) || !deployment.matches() && !v1) {
            return Reply.json(404, "{\"error\":{\"code\":\"404\",\"message\":\"Resource not found\"}}");
        }
        if (!apiKey.equals(request.header("api-key"))) {
            return Reply.json(401, "{\"error\":{\"code\":\"401\",\"message\":\"Access denied due to invalid subscription "
                    + "key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a "
                    + "correct regional API endpoint for your resource.\"}}");
        }
        if (deployment.matches()) {
            if (request.query() == null || !request.query().startsWith("api-version=")) {
                return Reply.json(404, "{\"error\":{\"code\":\"404\",\"message\":\"Resource not found\"}}");
            }
            if (!deployments.contains(deployment.group(1))) {
                return Reply.json(404, "{\"error\":{\"code\":\"DeploymentNotFound\",\"message\":\"The API deployment "
                        + "for this resource does not exist. If you created the deployment within the last 5 minutes, "
                        + "please wait a moment and try again.\"}}");
            }
        } else if (!request.json().path("model").isTextual()) {
            return Reply.json(400, "{\"error\":{\"message\":\"Missing required parameter: 'model'.\","
                    + "\"type\":\"invalid_request_error\",\"param\":\"model\",\"code\":\"missing_required_parameter\"}}");
        }
        return null;
    }

    @Override
    protected Reply answer(Received request) {
        JsonNode body = request.json();
        String text = "You said: " + lastUserText(body);
        if (body.path("stream").asBoolean(false)) {
            return stream(body.path("stream_options").path("include_usage").asBoolean(false), "stop",
                    text.split("(?<= )"));
        }
        return completion(text, "stop");
    }

    /** A whole answer; a finish reason of content_filter marks the violence category filtered, as Azure does. */
    public Reply completion(String text, String finishReason) {
        ObjectNode message = JsonCodec.object();
        message.putArray("annotations");
        if (text == null) {
            message.putNull("content");
        } else {
            message.put("content", text);
        }
        message.putNull("refusal");
        message.put("role", "assistant");
        return Reply.json(200, json(completionBody(message, finishReason)));
    }

    /** A whole answer calling one function. */
    public Reply toolCall(String name, String arguments) {
        ObjectNode message = JsonCodec.object();
        message.putArray("annotations");
        message.putNull("content");
        message.putNull("refusal");
        message.put("role", "assistant");
        ObjectNode call = message.putArray("tool_calls").addObject();
        call.putObject("function").put("arguments", arguments).put("name", name);
        call.put("id", "call_R4nd0mAzureId000000001");
        call.put("type", "function");
        return Reply.json(200, json(completionBody(message, "tool_calls")));
    }

    /** A streamed answer: Azure's prompt-filter chunk, the role, the pieces, the finish, usage if asked, [DONE]. */
    public Reply stream(boolean includeUsage, String finishReason, String... pieces) {
        List<String> events = new ArrayList<>();
        ObjectNode filter = JsonCodec.object();
        filter.putArray("choices");
        filter.put("created", 0);
        filter.put("id", "");
        filter.put("model", "");
        filter.put("object", "");
        filter.set("prompt_filter_results", promptFilterResults());
        events.add(event(filter));
        ObjectNode role = JsonCodec.object().put("content", "").putNull("refusal").put("role", "assistant");
        events.add(event(chunk(role, null, JsonCodec.object(), includeUsage)));
        for (String piece : pieces) {
            events.add(event(chunk(JsonCodec.object().put("content", piece), null, filterResults(false), includeUsage)));
        }
        events.add(event(chunk(JsonCodec.object(), finishReason,
                "content_filter".equals(finishReason) ? filterResults(true) : JsonCodec.object(), includeUsage)));
        if (includeUsage) {
            ObjectNode usage = header();
            usage.putArray("choices");
            usage.set("usage", usage(pieces.length));
            events.add(event(usage));
        }
        events.add("data: [DONE]\n\n");
        return Reply.events(events);
    }

    /** A streamed tool call, the arguments split over two chunks as OpenAI-format streams do. */
    public Reply streamToolCall(String name, String arguments) {
        int half = arguments.length() / 2;
        ObjectNode start = JsonCodec.object().putNull("content").putNull("refusal").put("role", "assistant");
        ObjectNode call = start.putArray("tool_calls").addObject();
        call.putObject("function").put("arguments", "").put("name", name);
        call.put("id", "call_R4nd0mAzureId000000002").put("index", 0).put("type", "function");
        ObjectNode more = JsonCodec.object();
        more.putArray("tool_calls").addObject().put("index", 0).putObject("function")
                .put("arguments", arguments.substring(0, half));
        ObjectNode rest = JsonCodec.object();
        rest.putArray("tool_calls").addObject().put("index", 0).putObject("function")
                .put("arguments", arguments.substring(half));
        return Reply.events(List.of(event(chunk(start, null, JsonCodec.object(), false)),
                event(chunk(more, null, JsonCodec.object(), false)), event(chunk(rest, null, JsonCodec.object(), false)),
                event(chunk(JsonCodec.object(), "tool_calls", JsonCodec.object(), false)), "data: [DONE]\n\n"));
    }

    /** The 400 Azure sends when its content filter refuses the prompt. */
    public static Reply contentFilterRefusal() {
        ObjectNode error = JsonCodec.object();
        error.put("message", "The response was filtered due to the prompt triggering Azure OpenAI's content management "
                + "policy. Please modify your prompt and retry. To learn more about our content filtering policies please "
                + "read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766");
        error.putNull("type");
        error.put("param", "prompt");
        error.put("code", "content_filter");
        error.put("status", 400);
        ObjectNode inner = error.putObject("innererror");
        inner.put("code", "ResponsibleAIPolicyViolation");
        inner.set("content_filter_result", filterResults(true));
        return Reply.json(400, JsonCodec.MAPPER.createObjectNode().set("error", error).toString());
    }

    /** Azure's 429 with its three retry hints. */
    public static Reply rateLimited(long retryAfterMs) {
        long seconds = (retryAfterMs + 999) / 1000;
        return Reply.json(429, "{\"error\":{\"code\":\"429\",\"message\":\"Requests to the ChatCompletions_Create "
                        + "Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your "
                        + "current OpenAI S0 pricing tier. Please retry after " + seconds + " seconds. Please go here: "
                        + "https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.\"}}")
                .header("retry-after", Long.toString(seconds))
                .header("retry-after-ms", Long.toString(retryAfterMs))
                .header("x-ms-retry-after-ms", Long.toString(retryAfterMs));
    }

    /** An Azure error with a code and message, e.g. 503 ServiceUnavailable. */
    public static Reply error(int status, String code, String message) {
        ObjectNode error = JsonCodec.object().put("code", code).put("message", message);
        return Reply.json(status, JsonCodec.MAPPER.createObjectNode().set("error", error).toString());
    }

    /** A chunk that is not valid JSON, for {@link Reply#insert}. */
    public static String malformedEvent() {
        return "data: {\"choices\":[{\"delta\":{\"content\":\"trunc\n\n";
    }

    private ObjectNode completionBody(ObjectNode message, String finishReason) {
        ObjectNode body = JsonCodec.object();
        ObjectNode choice = body.putArray("choices").addObject();
        choice.set("content_filter_results", filterResults("content_filter".equals(finishReason)));
        choice.put("finish_reason", finishReason);
        choice.put("index", 0);
        choice.putNull("logprobs");
        choice.set("message", message);
        body.put("created", 1_750_000_000L);
        body.put("id", ID);
        body.put("model", "gpt-4o-2024-11-20");
        body.put("object", "chat.completion");
        body.set("prompt_filter_results", promptFilterResults());
        body.put("system_fingerprint", "fp_ee1d74bde0");
        body.set("usage", usage(8));
        return body;
    }

    private ObjectNode chunk(ObjectNode delta, String finishReason, ObjectNode filter, boolean includeUsage) {
        ObjectNode chunk = header();
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.set("content_filter_results", filter);
        choice.set("delta", delta);
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        choice.put("index", 0);
        choice.putNull("logprobs");
        if (includeUsage) {
            chunk.putNull("usage");
        }
        return chunk;
    }

    private static ObjectNode header() {
        ObjectNode chunk = JsonCodec.object();
        chunk.put("created", 1_750_000_002L);
        chunk.put("id", ID);
        chunk.put("model", "gpt-4o-2024-11-20");
        chunk.put("object", "chat.completion.chunk");
        chunk.put("system_fingerprint", "fp_ee1d74bde0");
        return chunk;
    }

    private static ObjectNode usage(long completion) {
        ObjectNode usage = JsonCodec.object();
        usage.put("completion_tokens", completion);
        usage.putObject("completion_tokens_details").put("accepted_prediction_tokens", 0).put("audio_tokens", 0)
                .put("reasoning_tokens", 0).put("rejected_prediction_tokens", 0);
        usage.put("prompt_tokens", 1542);
        usage.putObject("prompt_tokens_details").put("audio_tokens", 0).put("cached_tokens", 1280);
        usage.put("total_tokens", 1542 + completion);
        return usage;
    }

    private static ArrayNode promptFilterResults() {
        ArrayNode results = JsonCodec.MAPPER.createArrayNode();
        ObjectNode prompt = results.addObject();
        ObjectNode filter = prompt.putObject("content_filter_results");
        filter.putObject("hate").put("filtered", false).put("severity", "safe");
        filter.putObject("jailbreak").put("detected", false).put("filtered", false);
        filter.putObject("self_harm").put("filtered", false).put("severity", "safe");
        filter.putObject("sexual").put("filtered", false).put("severity", "safe");
        filter.putObject("violence").put("filtered", false).put("severity", "safe");
        prompt.put("prompt_index", 0);
        return results;
    }

    private static ObjectNode filterResults(boolean violent) {
        ObjectNode filter = JsonCodec.object();
        filter.putObject("hate").put("filtered", false).put("severity", "safe");
        filter.putObject("protected_material_code").put("detected", false).put("filtered", false);
        filter.putObject("protected_material_text").put("detected", false).put("filtered", false);
        filter.putObject("self_harm").put("filtered", false).put("severity", "safe");
        filter.putObject("sexual").put("filtered", false).put("severity", "safe");
        filter.putObject("violence").put("filtered", violent).put("severity", violent ? "medium" : "safe");
        return filter;
    }

    private static String event(JsonNode node) {
        return "data: " + json(node) + "\n\n";
    }

    /** Compact, keys sorted at every level, as Azure's front end writes them. */
    private static String json(JsonNode node) {
        try {
            return JsonCodec.MAPPER.writeValueAsString(sorted(node));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            TreeMap<String, JsonNode> fields = new TreeMap<>();
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                fields.put(name, sorted(node.get(name)));
            }
            ObjectNode copy = JsonCodec.object();
            fields.forEach(copy::set);
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonCodec.MAPPER.createArrayNode();
            node.forEach(element -> copy.add(sorted(element)));
            return copy;
        }
        return node;
    }

    private static String lastUserText(JsonNode request) {
        JsonNode messages = request.path("messages");
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode message = messages.get(i);
            if ("user".equals(message.path("role").asText())) {
                JsonNode content = message.path("content");
                if (content.isTextual()) {
                    return content.asText();
                }
                StringBuilder text = new StringBuilder();
                content.forEach(part -> text.append(part.path("text").asText("")));
                return text.toString();
            }
        }
        return "";
    }
}
