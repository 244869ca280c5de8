package dev.tollgate.providers.anthropic;

import dev.tollgate.fuzz.FuzzSeed;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.Target;
import dev.tollgate.fuzz.JsonFuzz;
import dev.tollgate.fuzz.StreamFuzz;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.ChatResult;
import dev.tollgate.secrets.Credential;
import dev.tollgate.secrets.CredentialRef;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzing the Anthropic translations: any OpenAI request the gateway lets through maps to an Anthropic body or is
 * refused with a ClientError/ProviderError; any upstream body maps or is reported malformed; any damaged event
 * stream yields JSON chunks and then ends or fails as an IOException/ProviderError, never anything else.
 */
class AnthropicTranslationFuzzTest {

    private static final Target TARGET = new Target("anthropic", "claude-sonnet-4-5",
            URI.create("https://api.anthropic.com"), new CredentialRef.None(), Duration.ofSeconds(30), JsonCodec.object());

    @Provide
    Arbitrary<ObjectNode> requests() {
        return Arbitraries.randomValue(random -> random.nextInt(3) == 0
                ? JsonFuzz.mutate(JsonFuzz.chatRequest(random, "claude"), random) : JsonFuzz.chatRequest(random, "claude"));
    }

    @Property(tries = 800, seed = FuzzSeed.SEED)
    void requestMapperMapsOrRefusesCleanly(@ForAll("requests") ObjectNode request, @ForAll boolean stream) {
        Assume.that(JsonFuzz.passesGatewayChecks(request));
        ObjectNode body = StreamFuzz.mapOrRefuse(() -> AnthropicRequestMapper.toAnthropic(request, TARGET,
                AnthropicOptions.of(JsonCodec.object()), stream));
        if (body != null) {
            assertTrue(body.path("messages").isArray(), "messages: " + body);
            assertTrue(body.path("max_tokens").canConvertToLong(), "max_tokens: " + body);
        }
    }

    @Provide
    Arbitrary<JsonNode> responses() {
        return Arbitraries.randomValue(random -> random.nextInt(4) == 0 ? JsonFuzz.value(random, 4)
                : JsonFuzz.mutate(validMessage(random), random));
    }

    @Property(tries = 800, seed = FuzzSeed.SEED)
    void responseMapperMapsOrReportsMalformed(@ForAll("responses") JsonNode message) {
        ChatResult result;
        try {
            result = AnthropicResponseMapper.toOpenAi(message, 1_700_000_000L);
        } catch (dev.tollgate.errors.ProviderError malformed) {
            return;
        } catch (RuntimeException e) {
            throw new AssertionError("the response mapper threw " + e + " on " + message, e);
        }
        if (result != null) {
            try {
                assertTrue(JsonCodec.parse(result.body()).path("choices").isArray());
            } catch (java.io.IOException e) {
                fail("the mapped body is not JSON");
            }
        }
    }

    @Provide
    Arbitrary<byte[]> streams() {
        return Arbitraries.randomValue(random -> StreamFuzz.frame(validStream(random), random));
    }

    @Property(tries = 800, seed = FuzzSeed.SEED)
    void streamTranslatorYieldsChunksOrFailsCleanly(@ForAll("streams") byte[] sse, @ForAll boolean usage) {
        StreamFuzz.drain(() -> new AnthropicStreamTranslator(new ByteArrayInputStream(sse), "anthropic", 1L, usage,
                Optional.of(new Credential("sk-ant-fuzz")), new AnthropicErrorClassifier(Clock.systemUTC())));
    }

    @Property(tries = 300, seed = FuzzSeed.SEED)
    void randomBytesAsAStreamFailCleanly(@ForAll byte[] sse) {
        StreamFuzz.drain(() -> new AnthropicStreamTranslator(new ByteArrayInputStream(sse), "anthropic", 1L, true,
                Optional.empty(), new AnthropicErrorClassifier(Clock.systemUTC())));
    }

    static ObjectNode validMessage(Random random) {
        ObjectNode message = JsonCodec.object();
        message.put("id", "msg_1").put("type", "message").put("role", "assistant").put("model", "claude");
        var content = message.putArray("content");
        content.addObject().put("type", "text").put("text", JsonFuzz.string(random));
        if (random.nextBoolean()) {
            content.addObject().put("type", "tool_use").put("id", "toolu_1").put("name", "get_weather")
                    .set("input", JsonFuzz.object(random, 2));
        }
        if (random.nextInt(4) == 0) {
            content.addObject().put("type", "thinking").put("thinking", "hmm").put("signature", "s");
        }
        message.put("stop_reason", JsonFuzz.string(random));
        message.putNull("stop_sequence");
        message.putObject("usage").put("input_tokens", random.nextInt(100)).put("output_tokens", random.nextInt(100))
                .put("cache_read_input_tokens", random.nextInt(10));
        return message;
    }

    static List<StreamFuzz.Event> validStream(Random random) {
        List<StreamFuzz.Event> events = new ArrayList<>();
        ObjectNode start = JsonCodec.object().put("type", "message_start");
        start.putObject("message").put("id", "msg_1").put("type", "message").put("role", "assistant")
                .put("model", "claude").putArray("content");
        ((ObjectNode) start.get("message")).putObject("usage").put("input_tokens", 5).put("output_tokens", 1);
        events.add(new StreamFuzz.Event("message_start", start));
        events.add(new StreamFuzz.Event("ping", JsonCodec.object().put("type", "ping")));
        int blocks = 1 + random.nextInt(3);
        for (int i = 0; i < blocks; i++) {
            boolean tool = random.nextBoolean();
            ObjectNode blockStart = JsonCodec.object().put("type", "content_block_start").put("index", i);
            if (tool) {
                blockStart.putObject("content_block").put("type", "tool_use").put("id", "toolu_" + i)
                        .put("name", "f").putObject("input");
            } else {
                blockStart.putObject("content_block").put("type", "text").put("text", "");
            }
            events.add(new StreamFuzz.Event("content_block_start", blockStart));
            int deltas = random.nextInt(4);
            for (int d = 0; d < deltas; d++) {
                ObjectNode delta = JsonCodec.object().put("type", "content_block_delta").put("index", i);
                if (tool) {
                    delta.putObject("delta").put("type", "input_json_delta").put("partial_json", JsonFuzz.string(random));
                } else {
                    delta.putObject("delta").put("type", "text_delta").put("text", JsonFuzz.string(random));
                }
                events.add(new StreamFuzz.Event("content_block_delta", delta));
            }
            events.add(new StreamFuzz.Event("content_block_stop",
                    JsonCodec.object().put("type", "content_block_stop").put("index", i)));
        }
        ObjectNode messageDelta = JsonCodec.object().put("type", "message_delta");
        messageDelta.putObject("delta").put("stop_reason", random.nextBoolean() ? "end_turn" : JsonFuzz.string(random));
        messageDelta.putObject("usage").put("output_tokens", random.nextInt(50));
        events.add(new StreamFuzz.Event("message_delta", messageDelta));
        if (random.nextInt(6) == 0) {
            ObjectNode error = JsonCodec.object().put("type", "error");
            error.putObject("error").put("type", "overloaded_error").put("message", "Overloaded");
            events.add(new StreamFuzz.Event("error", error));
        }
        events.add(new StreamFuzz.Event("message_stop", JsonCodec.object().put("type", "message_stop")));
        return events;
    }
}
