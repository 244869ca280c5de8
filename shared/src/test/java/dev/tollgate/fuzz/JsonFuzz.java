package dev.tollgate.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.errors.ClientError;
import dev.tollgate.json.JsonCodec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * Generators for the fuzz properties: random JSON trees biased towards the field names and values the gateway and
 * the providers know (so a tree often gets deep into a mapper instead of being refused at the door), OpenAI chat
 * requests that are mostly right and a little wrong, and byte- and tree-level mutations of a valid request.
 */
public final class JsonFuzz {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Field names from the OpenAI, Anthropic, Gemini and Converse formats. */
    static final String[] FIELDS = {
            "model", "messages", "role", "content", "type", "text", "name", "id", "tool_calls", "function",
            "arguments", "tool_call_id", "tools", "tool_choice", "parameters", "properties", "required",
            "stream", "stream_options", "include_usage", "max_tokens", "max_completion_tokens", "n", "temperature",
            "top_p", "stop", "user", "response_format", "json_schema", "schema", "reasoning_effort", "logprobs",
            "top_logprobs", "modalities", "audio", "image_url", "url", "detail", "input_audio", "file", "refusal",
            "seed", "presence_penalty", "frequency_penalty", "metadata", "store", "safety_identifier",
            "index", "delta", "finish_reason", "usage", "prompt_tokens", "completion_tokens", "choices", "message",
            "stop_reason", "input_tokens", "output_tokens", "cache_read_input_tokens",
            "cache_creation_input_tokens", "content_block", "input", "partial_json", "error",
            "candidates", "parts", "finishReason", "usageMetadata", "promptTokenCount", "candidatesTokenCount",
            "totalTokenCount", "cachedContentTokenCount", "thoughtsTokenCount", "functionCall", "args",
            "promptFeedback", "blockReason", "responseId", "modelVersion", "thought", "inlineData", "mimeType",
            "data", "", "\u0000", "\uD83D\uDE00", "__proto__"};

    static final String[] STRINGS = {
            "", " ", "user", "assistant", "system", "developer", "tool", "function", "text", "image_url",
            "input_audio", "file", "auto", "none", "required", "json_object", "json_schema", "low", "medium", "high",
            "minimal", "demo", "stop", "length", "tool_calls", "content_filter", "end_turn", "max_tokens", "tool_use",
            "stop_sequence", "message_start", "content_block_start", "content_block_delta", "content_block_stop",
            "message_delta", "message_stop", "ping", "text_delta", "input_json_delta", "STOP", "MAX_TOKENS",
            "SAFETY", "RECITATION", "OTHER", "SAFETY", "object", "string", "integer", "array", "{", "{\"a\":",
            "data:image/png;base64,iVBORw0KGgo=", "data:,", "https://example.com/x.png", "\u0000", "\uD800",
            "\uD83D\uDE00", "é", "x".repeat(300), "[DONE]", "\r\n\r\n", "data: {}"};

    private JsonFuzz() {
    }

    /** Any JSON value, at most {@code depth} containers deep. */
    public static JsonNode value(Random random, int depth) {
        int kind = random.nextInt(depth <= 0 ? 7 : 10);
        return switch (kind) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(smallInt(random));
            case 3 -> NODES.numberNode(number(random));
            case 4, 5 -> NODES.textNode(string(random));
            case 6 -> NODES.numberNode(new BigInteger(80, random).negate());
            case 7 -> array(random, depth - 1);
            default -> object(random, depth - 1);
        };
    }

    public static ObjectNode object(Random random, int depth) {
        ObjectNode node = NODES.objectNode();
        int size = random.nextInt(6);
        for (int i = 0; i < size; i++) {
            node.set(field(random), value(random, depth));
        }
        return node;
    }

    public static ArrayNode array(Random random, int depth) {
        ArrayNode node = NODES.arrayNode();
        int size = random.nextInt(5);
        for (int i = 0; i < size; i++) {
            node.add(value(random, depth));
        }
        return node;
    }

    /** An OpenAI chat request that passes the gateway's own checks more often than not. */
    public static ObjectNode chatRequest(Random random, String model) {
        ObjectNode request = NODES.objectNode();
        request.put("model", model);
        ArrayNode messages = request.putArray("messages");
        int count = 1 + random.nextInt(5);
        for (int i = 0; i < count; i++) {
            messages.add(message(random));
        }
        String[] optional = {"stream", "stream_options", "max_tokens", "max_completion_tokens", "n", "temperature",
                "top_p", "stop", "user", "tools", "tool_choice", "response_format", "reasoning_effort", "logprobs",
                "top_logprobs", "modalities", "seed", "presence_penalty", "frequency_penalty", "metadata",
                "safety_identifier", "audio", "store", "parallel_tool_calls"};
        for (String field : optional) {
            if (random.nextInt(4) == 0) {
                request.set(field, optionalValue(random, field));
            }
        }
        return request;
    }

    private static JsonNode optionalValue(Random random, String field) {
        if (random.nextInt(5) == 0) {
            return value(random, 2);
        }
        return switch (field) {
            case "stream", "logprobs", "store", "parallel_tool_calls" -> NODES.booleanNode(random.nextBoolean());
            case "stream_options" -> NODES.objectNode().put("include_usage", random.nextBoolean());
            case "max_tokens", "max_completion_tokens", "top_logprobs", "seed" -> NODES.numberNode(1 + random.nextInt(5000));
            case "n" -> NODES.numberNode(1 + random.nextInt(3));
            case "temperature" -> NODES.numberNode(random.nextDouble() * 2);
            case "top_p" -> NODES.numberNode(random.nextDouble());
            case "presence_penalty", "frequency_penalty" -> NODES.numberNode(random.nextDouble() * 4 - 2);
            case "stop" -> random.nextBoolean() ? NODES.textNode(string(random))
                    : NODES.arrayNode().add(string(random)).add(string(random));
            case "tools" -> tools(random);
            case "tool_choice" -> random.nextBoolean() ? NODES.textNode(pick(random, "none", "auto", "required"))
                    : NODES.objectNode().put("type", "function").set("function",
                    NODES.objectNode().put("name", pick(random, "get_weather", "f", "")));
            case "response_format" -> responseFormat(random);
            case "reasoning_effort" -> NODES.textNode(pick(random, "minimal", "low", "medium", "high", "extreme"));
            case "modalities" -> NODES.arrayNode().add(pick(random, "text", "audio"));
            default -> value(random, 2);
        };
    }

    private static JsonNode message(Random random) {
        ObjectNode message = NODES.objectNode();
        String role = pick(random, "system", "developer", "user", "user", "assistant", "tool", "function");
        message.put("role", role);
        switch (random.nextInt(6)) {
            case 0 -> message.putNull("content");
            case 1 -> { }
            case 2, 3 -> message.set("content", contentParts(random));
            default -> message.put("content", string(random));
        }
        if ("assistant".equals(role) && random.nextInt(3) == 0) {
            ArrayNode calls = message.putArray("tool_calls");
            int n = 1 + random.nextInt(2);
            for (int i = 0; i < n; i++) {
                ObjectNode call = calls.addObject();
                if (random.nextInt(6) != 0) {
                    call.put("id", "call_" + random.nextInt(100));
                }
                call.put("type", random.nextInt(8) == 0 ? string(random) : "function");
                ObjectNode function = call.putObject("function");
                function.put("name", pick(random, "get_weather", "", "f"));
                function.set("arguments", random.nextInt(4) == 0 ? value(random, 1)
                        : NODES.textNode(pick(random, "{}", "{\"city\":\"Paris\"}", "not json", "[1]", "")));
            }
        }
        if (("tool".equals(role) || "function".equals(role)) && random.nextInt(4) != 0) {
            message.put("tool_call_id", "call_" + random.nextInt(100));
        }
        if (random.nextInt(6) == 0) {
            message.put("name", string(random));
        }
        if (random.nextInt(10) == 0) {
            message.set(field(random), value(random, 2));
        }
        return message;
    }

    private static ArrayNode contentParts(Random random) {
        ArrayNode parts = NODES.arrayNode();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            ObjectNode part = parts.addObject();
            String type = pick(random, "text", "text", "image_url", "input_audio", "file", "refusal", "video");
            part.put("type", type);
            switch (type) {
                case "text", "refusal" -> part.set(type, random.nextInt(6) == 0 ? value(random, 1)
                        : NODES.textNode(string(random)));
                case "image_url" -> part.set("image_url", random.nextInt(6) == 0 ? value(random, 1)
                        : NODES.objectNode().put("url", pick(random, "data:image/png;base64,iVBORw0KGgo=",
                        "https://example.com/x.png", "data:,", "data:image/png;base64,%%%", "")));
                case "input_audio" -> part.set("input_audio", NODES.objectNode().put("data", "AAAA")
                        .put("format", pick(random, "wav", "mp3", "ogg")));
                case "file" -> part.set("file", NODES.objectNode().put("file_data",
                        pick(random, "data:application/pdf;base64,JVBERi0=", "zzz")).put("filename", "a.pdf"));
                default -> part.set(field(random), value(random, 1));
            }
        }
        return parts;
    }

    private static ArrayNode tools(Random random) {
        ArrayNode tools = NODES.arrayNode();
        int n = random.nextInt(3);
        for (int i = 0; i < n; i++) {
            ObjectNode tool = tools.addObject();
            tool.put("type", random.nextInt(8) == 0 ? pick(random, "web_search", "custom") : "function");
            ObjectNode function = tool.putObject("function");
            function.put("name", pick(random, "get_weather", "f", "a-b", "x".repeat(80)));
            if (random.nextBoolean()) {
                function.put("description", string(random));
            }
            if (random.nextInt(4) != 0) {
                ObjectNode schema = function.putObject("parameters");
                schema.put("type", "object");
                ObjectNode properties = schema.putObject("properties");
                properties.set("city", NODES.objectNode().put("type", pick(random, "string", "integer", "weird")));
                if (random.nextInt(4) == 0) {
                    properties.set(field(random), object(random, 2));
                }
            }
            if (random.nextInt(5) == 0) {
                function.put("strict", random.nextBoolean());
            }
        }
        return tools;
    }

    private static JsonNode responseFormat(Random random) {
        ObjectNode format = NODES.objectNode();
        String type = pick(random, "text", "json_object", "json_schema", "xml");
        format.put("type", type);
        if ("json_schema".equals(type) && random.nextInt(5) != 0) {
            ObjectNode schema = format.putObject("json_schema");
            schema.put("name", "answer");
            schema.set("schema", random.nextBoolean() ? object(random, 2)
                    : NODES.objectNode().put("type", "object").set("properties", NODES.objectNode()));
        }
        return format;
    }

    /** A valid request with a few random edits: a field removed, retyped or added, an element duplicated. */
    public static ObjectNode mutate(ObjectNode valid, Random random) {
        ObjectNode copy = valid.deepCopy();
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits; i++) {
            List<JsonNode> containers = new ArrayList<>();
            collectContainers(copy, containers);
            JsonNode target = containers.get(random.nextInt(containers.size()));
            if (target instanceof ObjectNode object) {
                List<String> names = new ArrayList<>();
                object.fieldNames().forEachRemaining(names::add);
                switch (random.nextInt(3)) {
                    case 0 -> {
                        if (!names.isEmpty()) {
                            object.remove(names.get(random.nextInt(names.size())));
                        }
                    }
                    case 1 -> {
                        if (!names.isEmpty()) {
                            object.set(names.get(random.nextInt(names.size())), value(random, 2));
                        }
                    }
                    default -> object.set(field(random), value(random, 2));
                }
            } else if (target instanceof ArrayNode array) {
                switch (random.nextInt(3)) {
                    case 0 -> {
                        if (!array.isEmpty()) {
                            array.remove(random.nextInt(array.size()));
                        }
                    }
                    case 1 -> {
                        if (!array.isEmpty()) {
                            array.add(array.get(random.nextInt(array.size())).deepCopy());
                        }
                    }
                    default -> array.add(value(random, 2));
                }
            }
        }
        return copy;
    }

    private static void collectContainers(JsonNode node, List<JsonNode> into) {
        if (node.isContainerNode()) {
            into.add(node);
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                collectContainers(it.next(), into);
            }
        }
    }

    /** Byte-level damage: a flipped byte, a cut, an inserted run of junk, a duplicated slice. */
    public static byte[] damage(byte[] bytes, Random random) {
        byte[] out = bytes.clone();
        int edits = 1 + random.nextInt(3);
        for (int i = 0; i < edits && out.length > 0; i++) {
            int at = random.nextInt(out.length);
            switch (random.nextInt(4)) {
                case 0 -> out[at] = (byte) random.nextInt(256);
                case 1 -> out = java.util.Arrays.copyOf(out, at);
                case 2 -> {
                    byte[] junk = new byte[1 + random.nextInt(8)];
                    random.nextBytes(junk);
                    out = splice(out, at, junk);
                }
                default -> out = splice(out, at, java.util.Arrays.copyOfRange(out, at, Math.min(out.length, at + 16)));
            }
        }
        return out;
    }

    private static byte[] splice(byte[] bytes, int at, byte[] insert) {
        byte[] out = new byte[bytes.length + insert.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(bytes, at, out, at + insert.length, bytes.length - at);
        return out;
    }

    /**
     * Whether the gateway's own request checks ({@code ChatRequestRules}, package-private in dev.tollgate.api) let
     * this request through: a provider's mapper only ever sees requests that passed them.
     */
    public static boolean passesGatewayChecks(ObjectNode request) {
        try {
            CHECK.invoke(null, request);
            return true;
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof ClientError) {
                return false;
            }
            throw new AssertionError("the gateway's own checks threw " + e.getCause(), e.getCause());
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    private static final Method CHECK;

    static {
        try {
            CHECK = Class.forName("dev.tollgate.api.ChatRequestRules").getDeclaredMethod("check", ObjectNode.class);
            CHECK.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public static Arbitrary<JsonNode> anyJson() {
        return Arbitraries.randomValue(random -> value(random, 5));
    }

    public static Arbitrary<ObjectNode> anyObject() {
        return Arbitraries.randomValue(random -> object(random, 5));
    }

    public static Arbitrary<ObjectNode> chatRequests(String model) {
        return Arbitraries.randomValue(random -> chatRequest(random, model));
    }

    public static byte[] bytes(JsonNode node) {
        return JsonCodec.bytes(node);
    }

    public static String string(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> {
                char[] chars = new char[random.nextInt(12)];
                for (int i = 0; i < chars.length; i++) {
                    chars[i] = (char) random.nextInt(random.nextBoolean() ? 128 : 0x10000);
                }
                yield new String(chars);
            }
            default -> STRINGS[random.nextInt(STRINGS.length)];
        };
    }

    static String field(Random random) {
        return random.nextInt(8) == 0 ? string(random) : FIELDS[random.nextInt(FIELDS.length)];
    }

    static long smallInt(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> -random.nextInt(3);
            case 1 -> Long.MAX_VALUE - random.nextInt(2);
            case 2 -> Integer.MAX_VALUE + (long) random.nextInt(3);
            default -> random.nextInt(200);
        };
    }

    static BigDecimal number(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> new BigDecimal("1e400");
            case 1 -> new BigDecimal("-0.0");
            case 2 -> BigDecimal.valueOf(random.nextDouble() * 3);
            default -> BigDecimal.valueOf(random.nextGaussian() * 1e6);
        };
    }

    @SafeVarargs
    static <T> T pick(Random random, T... options) {
        return options[random.nextInt(options.length)];
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
