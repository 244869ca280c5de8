package dev.tollgate.providers.bedrock;

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
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockDelta;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockDeltaEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockStart;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockStartEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockStopEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseOutput;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamMetadataEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamOutput;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.MessageStartEvent;
import software.amazon.awssdk.services.bedrockruntime.model.MessageStopEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ReasoningContentBlockDelta;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlockDelta;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlockStart;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzing the Bedrock Converse translations. The SDK parses the wire, so the fuzzing is over what it can hand us:
 * requests the gateway lets through map or are refused with a ClientError/ProviderError; Converse responses and
 * stream events with any field missing (null), odd stop reasons and arbitrary tool inputs translate to JSON without
 * throwing.
 */
class ConverseTranslationFuzzTest {

    @Provide
    Arbitrary<ObjectNode> requests() {
        return Arbitraries.randomValue(random -> random.nextInt(3) == 0
                ? JsonFuzz.mutate(JsonFuzz.chatRequest(random, "nova"), random) : JsonFuzz.chatRequest(random, "nova"));
    }

    @Property(tries = 800, seed = FuzzSeed.SEED)
    void requestMapperMapsOrRefusesCleanly(@ForAll("requests") ObjectNode request) {
        Assume.that(JsonFuzz.passesGatewayChecks(request));
        ConverseRequestMapper.ConverseInput input = StreamFuzz.mapOrRefuse(
                () -> ConverseRequestMapper.map(request, "amazon.nova-lite-v1:0"));
        if (input != null) {
            assertNotNull(input.converse());
            assertNotNull(input.converseStream());
        }
    }

    @Provide
    Arbitrary<ConverseResponse> responses() {
        return Arbitraries.randomValue(ConverseTranslationFuzzTest::response);
    }

    @Property(tries = 800, seed = FuzzSeed.SEED)
    void responseMapperTranslatesAnyResponse(@ForAll("responses") ConverseResponse response) throws IOException {
        ChatResult result;
        try {
            result = ConverseResponseMapper.map(response, "chatcmpl-1", 1L, "nova");
        } catch (ProviderError reported) {
            return;
        } catch (RuntimeException e) {
            throw new AssertionError("the response mapper threw " + e + " on " + response, e);
        }
        assertTrue(JsonCodec.parse(result.body()).path("choices").isArray());
    }

    @Provide
    Arbitrary<List<ConverseStreamOutput>> eventSequences() {
        return Arbitraries.randomValue(random -> {
            List<ConverseStreamOutput> events = new ArrayList<>();
            int n = random.nextInt(12);
            for (int i = 0; i < n; i++) {
                events.add(event(random));
            }
            return events;
        });
    }

    @Property(tries = 800, seed = FuzzSeed.SEED)
    void streamTranslatorTranslatesAnyEventSequence(@ForAll("eventSequences") List<ConverseStreamOutput> events,
                                                     @ForAll boolean usage) throws IOException {
        ConverseStreamTranslator translator = new ConverseStreamTranslator("chatcmpl-1", 1L, "nova", usage);
        for (ConverseStreamOutput event : events) {
            List<byte[]> chunks;
            try {
                chunks = translator.translate(event);
            } catch (RuntimeException e) {
                throw new AssertionError("the translator threw " + e + " on " + event, e);
            }
            for (byte[] chunk : chunks) {
                assertTrue(JsonCodec.parse(chunk).isObject());
            }
        }
        assertNotNull(translator.usage());
    }

    private static ConverseResponse response(Random random) {
        ConverseResponse.Builder builder = ConverseResponse.builder();
        if (random.nextInt(6) != 0) {
            List<ContentBlock> content = new ArrayList<>();
            int n = random.nextInt(4);
            for (int i = 0; i < n; i++) {
                content.add(block(random));
            }
            builder.output(ConverseOutput.fromMessage(Message.builder()
                    .role(random.nextBoolean() ? ConversationRole.ASSISTANT : null).content(content).build()));
        }
        if (random.nextInt(5) != 0) {
            builder.stopReason(random.nextBoolean() ? "end_turn" : JsonFuzz.string(random));
        }
        if (random.nextInt(5) != 0) {
            builder.usage(usage(random));
        }
        return builder.build();
    }

    private static ContentBlock block(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> ContentBlock.fromText(JsonFuzz.string(random));
            case 1 -> ContentBlock.fromToolUse(ToolUseBlock.builder()
                    .toolUseId(random.nextInt(5) == 0 ? null : "tooluse_1")
                    .name(random.nextInt(5) == 0 ? null : "get_weather")
                    .input(random.nextInt(5) == 0 ? null : Documents.fromJson(JsonFuzz.value(random, 3))).build());
            default -> ContentBlock.builder().build();
        };
    }

    private static TokenUsage usage(Random random) {
        return TokenUsage.builder()
                .inputTokens(random.nextInt(4) == 0 ? null : random.nextInt(Integer.MAX_VALUE))
                .outputTokens(random.nextInt(4) == 0 ? null : random.nextInt(Integer.MAX_VALUE))
                .totalTokens(random.nextInt(4) == 0 ? null : random.nextInt(1000))
                .cacheReadInputTokens(random.nextInt(2) == 0 ? null : random.nextInt(Integer.MAX_VALUE))
                .cacheWriteInputTokens(random.nextInt(2) == 0 ? null : random.nextInt(100)).build();
    }

    private static Integer index(Random random) {
        return random.nextInt(6) == 0 ? null : random.nextInt(3);
    }

    private static ConverseStreamOutput event(Random random) {
        return switch (random.nextInt(7)) {
            case 0 -> MessageStartEvent.builder().role(random.nextBoolean() ? ConversationRole.ASSISTANT : null).build();
            case 1 -> ContentBlockStartEvent.builder().contentBlockIndex(index(random))
                    .start(random.nextInt(5) == 0 ? null : ContentBlockStart.fromToolUse(ToolUseBlockStart.builder()
                            .toolUseId(random.nextInt(5) == 0 ? null : "tooluse_" + random.nextInt(3))
                            .name(random.nextInt(5) == 0 ? null : "f").build())).build();
            case 2 -> ContentBlockDeltaEvent.builder().contentBlockIndex(index(random))
                    .delta(switch (random.nextInt(4)) {
                        case 0 -> ContentBlockDelta.fromText(JsonFuzz.string(random));
                        case 1 -> ContentBlockDelta.fromToolUse(ToolUseBlockDelta.builder()
                                .input(random.nextInt(5) == 0 ? null : JsonFuzz.string(random)).build());
                        case 2 -> ContentBlockDelta.fromReasoningContent(ReasoningContentBlockDelta.fromText("hmm"));
                        default -> null;
                    }).build();
            case 3 -> ContentBlockStopEvent.builder().contentBlockIndex(index(random)).build();
            case 4 -> MessageStopEvent.builder().stopReason(random.nextInt(5) == 0 ? null
                    : random.nextBoolean() ? "tool_use" : JsonFuzz.string(random)).build();
            case 5 -> ConverseStreamMetadataEvent.builder().usage(random.nextInt(5) == 0 ? null : usage(random)).build();
            default -> ContentBlockDeltaEvent.builder().contentBlockIndex(index(random))
                    .delta(ContentBlockDelta.fromText(JsonFuzz.string(random))).build();
        };
    }
}
