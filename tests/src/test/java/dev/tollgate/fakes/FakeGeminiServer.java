package dev.tollgate.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.JsonCodec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake Gemini API ({@code generativelanguage.googleapis.com/v1beta}) on loopback. It accepts
 * {@code POST /v1beta/models/{model}:generateContent} and {@code :streamGenerateContent?alt=sse}, wants the key in
 * {@code x-goog-api-key} (missing: 403 PERMISSION_DENIED; wrong: 400 API_KEY_INVALID, as Google answers), and
 * answers like the real service: whole responses as indented JSON, streams as one {@code data: {...}\r\n\r\n}
 * frame per GenerateContentResponse with no terminator, usage in {@code usageMetadata}.
 * Unscripted requests get "You said: " and the last user text.
 */
public final class FakeGeminiServer extends FakeUpstream {

    private static final Pattern PATH = Pattern.compile("/v1beta/models/([^/:]+):(generateContent|streamGenerateContent)");

    private final String apiKey;
    private volatile long promptTokens = 12;
    private volatile long cachedTokens;
    private volatile long thoughtsTokens;

    public FakeGeminiServer(String apiKey) {
        this.apiKey = apiKey;
    }

    /** The base URL a gemini target uses. */
    public String baseUrl() {
        return origin() + "/v1beta";
    }

    /** Usage reported by later answers: promptTokenCount (which includes the cached tokens), cached, thoughts. */
    public void usage(long prompt, long cached, long thoughts) {
        this.promptTokens = prompt;
        this.cachedTokens = cached;
        this.thoughtsTokens = thoughts;
    }

    @Override
    protected Reply check(Received request) {
        Matcher path = PATH.matcher(request.path());
        if (!"POST".equals(request.method()) || !path.matches()) {
            return error(404, "NOT_FOUND", "Requested entity was not found.");
        }
        String key = request.header("x-goog-api-key");
        if (key == null) {
            return error(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers (callers without "
                    + "established identity). Please use API Key or other form of API consumer identity to call this API.");
        }
        if (!key.equals(apiKey)) {
            return Reply.json(400, GoogleJson.pretty(JsonCodec.object().set("error", errorBody(400, "INVALID_ARGUMENT",
                    "API key not valid. Please pass a valid API key.", apiKeyInvalidDetails()))));
        }
        boolean stream = "streamGenerateContent".equals(path.group(2));
        if (stream && !"alt=sse".equals(request.query())) {
            return error(400, "INVALID_ARGUMENT", "this fake only streams with alt=sse");
        }
        JsonNode contents = request.json().path("contents");
        if (!contents.isArray() || contents.isEmpty()) {
            return error(400, "INVALID_ARGUMENT", "* GenerateContentRequest.contents: contents is not specified\n");
        }
        return null;
    }

    @Override
    protected Reply answer(Received request) {
        String text = "You said: " + lastUserText(request.json());
        if (request.path().endsWith(":streamGenerateContent")) {
            String[] words = text.split("(?<= )");
            return stream(words);
        }
        return text(text);
    }

    /** A whole answer with this text. */
    public Reply text(String text) {
        ObjectNode part = JsonCodec.object().put("text", text);
        return Reply.json(200, GoogleJson.pretty(response(List.of(part), "STOP", true)));
    }

    /** A whole answer with one function call (Gemini 2.5 style, with a thought signature). */
    public Reply functionCall(String name, String argsJson) {
        ObjectNode part = JsonCodec.object();
        part.putObject("functionCall").put("name", name).set("args", parse(argsJson));
        part.put("thoughtSignature", "CiIBVKhc7oDPpCaXyJKKssjqr4g3JNOSgTSgtLiMzLAjWq0K");
        return Reply.json(200, GoogleJson.pretty(response(List.of(part), "STOP", true)));
    }

    /** A whole answer stopped by the safety filter (no content). */
    public Reply safetyStop() {
        return Reply.json(200, GoogleJson.pretty(response(List.of(), "SAFETY", true)));
    }

    /** The prompt itself blocked: no candidates, promptFeedback.blockReason. */
    public Reply promptBlocked(boolean streamed) {
        ObjectNode body = JsonCodec.object();
        body.putObject("promptFeedback").put("blockReason", "PROHIBITED_CONTENT");
        body.set("usageMetadata", usage(false));
        body.put("modelVersion", "gemini-2.5-flash");
        body.put("responseId", "qGGtaKaLBZ6BqtsP0_XS0Qk");
        return streamed ? Reply.events(List.of(frame(body))) : Reply.json(200, GoogleJson.pretty(body));
    }

    /** A streamed answer, one text piece per frame; the last frame carries finishReason STOP and the full usage. */
    public Reply stream(String... pieces) {
        List<String> frames = new ArrayList<>();
        for (int i = 0; i < pieces.length; i++) {
            boolean last = i == pieces.length - 1;
            ObjectNode part = JsonCodec.object().put("text", pieces[i]);
            frames.add(frame(response(List.of(part), last ? "STOP" : null, last)));
        }
        return Reply.events(frames);
    }

    /** A streamed function call: the whole call in one frame, then the finish. */
    public Reply streamFunctionCall(String name, String argsJson) {
        ObjectNode part = JsonCodec.object();
        part.putObject("functionCall").put("name", name).set("args", parse(argsJson));
        return Reply.events(List.of(frame(response(List.of(part), null, false)),
                frame(response(List.of(JsonCodec.object().put("text", "")), "STOP", true))));
    }

    /** A frame that is not valid JSON, for {@link Reply#insert}. */
    public static String malformedFrame() {
        return "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"trunc\r\n\r\n";
    }

    /** A Google API error as the service sends it. */
    public static Reply error(int code, String status, String message) {
        return Reply.json(code, GoogleJson.pretty(JsonCodec.object().set("error", errorBody(code, status, message, null))));
    }

    /** 429 RESOURCE_EXHAUSTED for a per-minute quota, with QuotaFailure and RetryInfo details, as the free tier sends. */
    public static Reply rateLimited(int retrySeconds) {
        ArrayNode details = JsonCodec.MAPPER.createArrayNode();
        ObjectNode quota = details.addObject();
        quota.put("@type", "type.googleapis.com/google.rpc.QuotaFailure");
        ObjectNode violation = quota.putArray("violations").addObject();
        violation.put("quotaMetric", "generativelanguage.googleapis.com/generate_content_free_tier_requests");
        violation.put("quotaId", "GenerateRequestsPerMinutePerProjectPerModel-FreeTier");
        violation.putObject("quotaDimensions").put("location", "global").put("model", "gemini-2.5-flash");
        violation.put("quotaValue", "10");
        details.addObject().put("@type", "type.googleapis.com/google.rpc.RetryInfo").put("retryDelay", retrySeconds + "s");
        String message = "You exceeded your current quota, please check your plan and billing details. For more "
                + "information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. \n* Quota "
                + "exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 10, "
                + "model: gemini-2.5-flash\nPlease retry in " + retrySeconds + ".52s.";
        return Reply.json(429, GoogleJson.pretty(JsonCodec.object().set("error",
                errorBody(429, "RESOURCE_EXHAUSTED", message, details))));
    }

    private ObjectNode response(List<ObjectNode> parts, String finishReason, boolean finalUsage) {
        ObjectNode body = JsonCodec.object();
        ObjectNode candidate = body.putArray("candidates").addObject();
        if (!parts.isEmpty()) {
            ObjectNode content = candidate.putObject("content");
            ArrayNode partList = content.putArray("parts");
            parts.forEach(partList::add);
            content.put("role", "model");
        }
        if (finishReason != null) {
            candidate.put("finishReason", finishReason);
        }
        candidate.put("index", 0);
        body.set("usageMetadata", usage(finalUsage));
        body.put("modelVersion", "gemini-2.5-flash");
        body.put("responseId", "s3GtaPnhA4-8qtsPwZzsyAk");
        return body;
    }

    private ObjectNode usage(boolean withCandidates) {
        ObjectNode usage = JsonCodec.object();
        usage.put("promptTokenCount", promptTokens);
        long candidates = withCandidates ? 7 : 0;
        if (withCandidates) {
            usage.put("candidatesTokenCount", candidates);
        }
        usage.put("totalTokenCount", promptTokens + candidates + (withCandidates ? thoughtsTokens : 0));
        if (cachedTokens > 0) {
            usage.put("cachedContentTokenCount", cachedTokens);
        }
        usage.putArray("promptTokensDetails").addObject().put("modality", "TEXT").put("tokenCount", promptTokens);
        if (cachedTokens > 0) {
            usage.putArray("cacheTokensDetails").addObject().put("modality", "TEXT").put("tokenCount", cachedTokens);
        }
        if (withCandidates && thoughtsTokens > 0) {
            usage.put("thoughtsTokenCount", thoughtsTokens);
        }
        return usage;
    }

    private static String frame(JsonNode response) {
        return "data: " + GoogleJson.frame(response) + "\r\n\r\n";
    }

    private static ObjectNode errorBody(int code, String status, String message, ArrayNode details) {
        ObjectNode error = JsonCodec.object();
        error.put("code", code);
        error.put("message", message);
        error.put("status", status);
        if (details != null) {
            error.set("details", details);
        }
        return error;
    }

    private static ArrayNode apiKeyInvalidDetails() {
        ArrayNode details = JsonCodec.MAPPER.createArrayNode();
        ObjectNode info = details.addObject();
        info.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
        info.put("reason", "API_KEY_INVALID");
        info.put("domain", "googleapis.com");
        info.putObject("metadata").put("service", "generativelanguage.googleapis.com");
        return details;
    }

    private static String lastUserText(JsonNode request) {
        JsonNode contents = request.path("contents");
        for (int i = contents.size() - 1; i >= 0; i--) {
            JsonNode content = contents.get(i);
            if ("user".equals(content.path("role").asText())) {
                StringBuilder text = new StringBuilder();
                content.path("parts").forEach(p -> text.append(p.path("text").asText("")));
                return text.toString();
            }
        }
        return "";
    }

    private static JsonNode parse(String json) {
        try {
            return JsonCodec.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
