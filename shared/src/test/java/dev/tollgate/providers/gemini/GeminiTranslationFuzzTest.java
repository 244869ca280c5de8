package dev.tollgate.providers.gemini;

import dev.tollgate.fuzz.FuzzSeed;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.errors.ProviderError;
import dev.tollgate.fuzz.JsonFuzz;
import dev.tollgate.fuzz.StreamFuzz;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.ChatResult;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzing the Gemini translations: requests the gateway lets through map to a generateContent body or are refused
 * with a ClientError/ProviderError; any JSON object as an answer maps or is reported (malformed or blocked) as a
 * ProviderError; damaged streams yield JSON chunks and end or fail as IOException/ProviderError.
 */
class GeminiTranslationFuzzTest {

    @Provide
    Arbitrary<ObjectNode> requests() {
        return Arbitraries.randomValue(random -> random.nextInt(3) == 0
                ? JsonFuzz.mutate(JsonFuzz.chatRequest(random, "gemini"), random) : JsonFuzz.chatRequest(random, "gemini"));
    }

    @Provide
    Arbitrary<String> models() {
        return Arbitraries.of("gemini-2.5-flash", "gemini-3-pro-preview", "gemini-2.0-flash");
    }

    @Property(tries = 800, seed = FuzzSeed.SEED)
    void requestMapperMapsOrRefusesCleanly(@ForAll("requests") ObjectNode request, @ForAll("models") String model) {
        Assume.that(JsonFuzz.passesGatewayChecks(request));
        ObjectNode body = StreamFuzz.mapOrRefuse(() -> GeminiRequestMapper.map(request, model, JsonCodec.object()));
        if (body != null) {
            assertTrue(body.path("contents").isArray(), "contents: " + body);
        }
    }

    @Provide
    Arbitrary<ObjectNode> responses() {
        return Arbitraries.randomValue(random -> random.nextInt(4) == 0 ? JsonFuzz.object(random, 4)
                : JsonFuzz.mutate(validResponse(random), random));
    }

    @Property(tries = 800, seed = FuzzSeed.SEED)
    void responseMapperMapsOrReportsAProviderError(@ForAll("responses") ObjectNode response) throws IOException {
        ChatResult result;
        try {
            result = GeminiResponseMapper.toChatCompletion(response, "gemini-2.5-flash", 1L);
        } catch (ProviderError reported) {
            return;
        } catch (RuntimeException e) {
            throw new AssertionError("the response mapper threw " + e + " on " + response, e);
        }
        assertTrue(JsonCodec.parse(result.body()).path("choices").isArray());
    }

    @Provide
    Arbitrary<byte[]> streams() {
        return Arbitraries.randomValue(random -> {
            List<StreamFuzz.Event> events = new ArrayList<>();
            int frames = 1 + random.nextInt(5);
            for (int i = 0; i < frames; i++) {
                ObjectNode frame = validResponse(random);
                if (i < frames - 1 && frame.path("candidates").path(0) instanceof ObjectNode candidate) {
                    candidate.remove("finishReason");
                }
                events.add(new StreamFuzz.Event(null, frame));
            }
            return StreamFuzz.frame(events, random);
        });
    }

    @Property(tries = 800, seed = FuzzSeed.SEED)
    void streamYieldsChunksOrFailsCleanly(@ForAll("streams") byte[] sse, @ForAll boolean usage) {
        StreamFuzz.drain(() -> new GeminiChunkStream(new ByteArrayInputStream(sse), "gemini-2.5-flash", 1L, usage)
                .prime());
    }

    @Property(tries = 300, seed = FuzzSeed.SEED)
    void randomBytesAsAStreamFailCleanly(@ForAll byte[] sse) {
        StreamFuzz.drain(() -> new GeminiChunkStream(new ByteArrayInputStream(sse), "gemini-2.5-flash", 1L, true)
                .prime());
    }

    static ObjectNode validResponse(Random random) {
        ObjectNode response = JsonCodec.object();
        var candidates = response.putArray("candidates");
        ObjectNode candidate = candidates.addObject();
        ObjectNode content = candidate.putObject("content");
        content.put("role", "model");
        var parts = content.putArray("parts");
        parts.addObject().put("text", JsonFuzz.string(random));
        if (random.nextBoolean()) {
            ObjectNode call = parts.addObject().putObject("functionCall");
            call.put("name", "get_weather");
            call.set("args", JsonFuzz.object(random, 2));
        }
        if (random.nextInt(4) == 0) {
            parts.addObject().put("text", "thinking...").put("thought", true);
        }
        candidate.put("finishReason", random.nextBoolean() ? "STOP" : JsonFuzz.string(random));
        candidate.put("index", 0);
        response.putObject("usageMetadata").put("promptTokenCount", random.nextInt(100))
                .put("candidatesTokenCount", random.nextInt(100)).put("totalTokenCount", random.nextInt(300))
                .put("cachedContentTokenCount", random.nextInt(5)).put("thoughtsTokenCount", random.nextInt(5));
        response.put("modelVersion", "gemini-2.5-flash");
        response.put("responseId", "r" + random.nextInt(1000));
        if (random.nextInt(8) == 0) {
            response.putObject("promptFeedback").put("blockReason", "SAFETY");
            response.remove("candidates");
        }
        return response;
    }

}
