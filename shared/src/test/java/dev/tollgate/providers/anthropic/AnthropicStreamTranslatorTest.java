package dev.tollgate.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.errors.ErrorClass;
import dev.tollgate.providers.Usage;
import dev.tollgate.secrets.Credential;
import dev.tollgate.testing.BurstInputStream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Anthropic's documented SSE streams become OpenAI chunk sequences; broken streams never end cleanly. */
class AnthropicStreamTranslatorTest {

    private static final long CREATED = 1_750_000_000L;

    private static AnthropicStreamTranslator translator(byte[] sse, boolean clientWantsUsage) {
        return new AnthropicStreamTranslator(new ByteArrayInputStream(sse), "anthropic", CREATED, clientWantsUsage,
                Optional.of(new Credential("sk-ant-secret-key")), new AnthropicErrorClassifier(Clock.systemUTC()));
    }

    private static List<JsonNode> drain(AnthropicStreamTranslator stream) throws IOException {
        List<JsonNode> chunks = new ArrayList<>();
        for (byte[] chunk = stream.next(); chunk != null; chunk = stream.next()) {
            chunks.add(Fixtures.parse(chunk));
        }
        assertNull(stream.next(), "a finished stream stays finished");
        return chunks;
    }

    private static String content(List<JsonNode> chunks) {
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> text.append(c.at("/choices/0/delta/content").asText("")));
        return text.toString();
    }

    @Test
    void textStreamBecomesRoleThenContentThenFinishChunks() throws IOException {
        AnthropicStreamTranslator stream = translator(Fixtures.bytes("stream-text.sse"), false);
        List<JsonNode> chunks = drain(stream);
        assertEquals(4, chunks.size(), chunks.toString());
        JsonNode first = chunks.getFirst();
        assertEquals("assistant", first.at("/choices/0/delta/role").asText());
        assertEquals("", first.at("/choices/0/delta/content").asText());
        for (JsonNode chunk : chunks) {
            assertEquals("msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY", chunk.get("id").asText());
            assertEquals("chat.completion.chunk", chunk.get("object").asText());
            assertEquals(CREATED, chunk.get("created").asLong());
            assertEquals("claude-opus-4-1-20250805", chunk.get("model").asText());
            assertFalse(chunk.has("usage"), "no usage field unless the client asked for usage");
        }
        assertEquals("Hello!", content(chunks));
        assertTrue(chunks.get(2).at("/choices/0/finish_reason").isNull());
        assertEquals("stop", chunks.getLast().at("/choices/0/finish_reason").asText());
        assertTrue(chunks.getLast().at("/choices/0/delta").isEmpty());
        assertEquals(new Usage(25, 15, 0, 0), stream.usage(), "message_delta's cumulative output count wins");
    }

    @Test
    void usageChunkWithEmptyChoicesFollowsOnlyWhenTheClientAsked() throws IOException {
        List<JsonNode> chunks = drain(translator(Fixtures.bytes("stream-text.sse"), true));
        assertEquals(5, chunks.size());
        JsonNode last = chunks.getLast();
        assertTrue(last.get("choices").isArray() && last.get("choices").isEmpty());
        assertEquals(25, last.at("/usage/prompt_tokens").asLong());
        assertEquals(15, last.at("/usage/completion_tokens").asLong());
        assertEquals(40, last.at("/usage/total_tokens").asLong());
        for (JsonNode chunk : chunks.subList(0, 4)) {
            assertTrue(chunk.get("usage").isNull(), "OpenAI sends usage: null on the other chunks");
        }
    }

    @Test
    void toolUseStreamsAsToolCallHeaderThenArgumentFragments() throws IOException {
        AnthropicStreamTranslator stream = translator(Fixtures.bytes("stream-tool-use.sse"), false);
        List<JsonNode> chunks = drain(stream);
        assertEquals("Okay, let's check the weather for San Francisco, CA:", content(chunks));
        List<JsonNode> calls = new ArrayList<>();
        chunks.forEach(c -> c.at("/choices/0/delta/tool_calls").forEach(calls::add));
        JsonNode header = calls.getFirst();
        assertEquals(0, header.get("index").asInt());
        assertEquals("toolu_01T1x1fJ34qAmk2tNTrN7Up6", header.get("id").asText());
        assertEquals("function", header.get("type").asText());
        assertEquals("get_weather", header.at("/function/name").asText());
        assertEquals("", header.at("/function/arguments").asText());
        StringBuilder arguments = new StringBuilder();
        for (JsonNode fragment : calls.subList(1, calls.size())) {
            assertEquals(0, fragment.get("index").asInt());
            assertFalse(fragment.has("id"), "only the first delta of a call carries its id");
            arguments.append(fragment.at("/function/arguments").asText());
        }
        assertEquals(8, calls.size() - 1, "the empty partial_json is not sent (9 in the fixture)");
        assertEquals(Fixtures.parse("{\"location\": \"San Francisco, CA\", \"unit\": \"fahrenheit\"}"),
                Fixtures.parse(arguments.toString()));
        assertEquals("tool_calls", chunks.getLast().at("/choices/0/finish_reason").asText());
        assertEquals(new Usage(472, 89, 0, 0), stream.usage());
    }

    @Test
    void severalToolBlocksGetConsecutiveOpenAiIndexes() throws IOException {
        String sse = """
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_2","type":"message","role":"assistant","model":"claude","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":1}}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_a","name":"f","input":{}}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{}"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":0}

                event: content_block_start
                data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_b","name":"g","input":{}}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"x\\":1}"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":1}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":30}}

                event: message_stop
                data: {"type":"message_stop"}

                """;
        List<JsonNode> calls = new ArrayList<>();
        drain(translator(sse.getBytes(StandardCharsets.UTF_8), false))
                .forEach(c -> c.at("/choices/0/delta/tool_calls").forEach(calls::add));
        assertEquals(List.of(0, 0, 1, 1), calls.stream().map(c -> c.get("index").asInt()).toList());
        assertEquals("toolu_b", calls.get(2).get("id").asText());
        assertEquals("{\"x\":1}", calls.get(3).at("/function/arguments").asText());
    }

    @Test
    void cacheTokensInTheStreamAreNormalisedLikeWholeMessages() throws IOException {
        AnthropicStreamTranslator stream = translator(Fixtures.bytes("stream-cache-usage.sse"), true);
        List<JsonNode> chunks = drain(stream);
        assertEquals(new Usage(12 + 2048, 47, 2048, 0), stream.usage());
        assertEquals(2060, chunks.getLast().at("/usage/prompt_tokens").asLong());
        assertEquals(2048, chunks.getLast().at("/usage/prompt_tokens_details/cached_tokens").asLong());
        assertEquals("length", chunks.get(chunks.size() - 2).at("/choices/0/finish_reason").asText());
    }

    @Test
    void errorEventAfterTheOkFailsTheStreamWithTheClassifiedError() throws IOException {
        AnthropicStreamTranslator stream = translator(Fixtures.bytes("stream-error-after-200.sse"), true);
        List<String> seen = new ArrayList<>();
        AnthropicStreamException error = assertThrows(AnthropicStreamException.class, () -> {
            for (byte[] chunk = stream.next(); chunk != null; chunk = stream.next()) {
                seen.add(new String(chunk, StandardCharsets.UTF_8));
            }
        });
        assertEquals(2, seen.size(), "the role chunk and 'Hello' went out before the error");
        assertTrue(seen.stream().noneMatch(c -> c.contains("finish_reason\":\"")), "no finish chunk was sent");
        assertEquals("upstream_overloaded", error.error().code());
        assertEquals(ErrorClass.FALLBACK, error.error().errorClass());
        assertEquals(25, stream.usage().promptTokens(), "input tokens are still known for metering");
    }

    @Test
    void streamCutBeforeMessageStopFailsInsteadOfLookingFinished() {
        String whole = new String(Fixtures.bytes("stream-text.sse"), StandardCharsets.UTF_8);
        String cut = whole.substring(0, whole.indexOf("event: content_block_stop"));
        AnthropicStreamTranslator stream = translator(cut.getBytes(StandardCharsets.UTF_8), false);
        AnthropicStreamException error = assertThrows(AnthropicStreamException.class, () -> drain(stream));
        assertNull(error.error());
        assertTrue(error.getMessage().contains("before message_stop"));
    }

    @Test
    void cutAfterMessageDeltaButBeforeMessageStopStillFails() {
        String whole = new String(Fixtures.bytes("stream-text.sse"), StandardCharsets.UTF_8);
        String cut = whole.substring(0, whole.indexOf("event: message_stop"));
        assertThrows(AnthropicStreamException.class, () -> drain(translator(cut.getBytes(StandardCharsets.UTF_8), false)));
    }

    @Test
    void malformedChunkFailsTheStream() {
        String sse = new String(Fixtures.bytes("stream-text.sse"), StandardCharsets.UTF_8)
                .replace("{\"type\": \"text_delta\", \"text\": \"!\"}", "{\"type\": \"text_delta\", \"text\": ");
        assertThrows(AnthropicStreamException.class, () -> drain(translator(sse.getBytes(StandardCharsets.UTF_8), false)));
    }

    @Test
    void streamThatDoesNotStartWithMessageStartIsRejected() {
        String sse = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":\"hi\"}}\n\n";
        assertThrows(AnthropicStreamException.class, () -> drain(translator(sse.getBytes(StandardCharsets.UTF_8), false)));
    }

    @Test
    void unknownEventTypesAndThinkingDeltasAreIgnored() throws IOException {
        String sse = new String(Fixtures.bytes("stream-text.sse"), StandardCharsets.UTF_8).replace("event: ping\ndata: {\"type\": \"ping\"}",
                "event: brand_new_event\ndata: {\"type\": \"brand_new_event\"}\n\n"
                        + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                        + "\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"hmm\"}}");
        assertEquals("Hello!", content(drain(translator(sse.getBytes(StandardCharsets.UTF_8), false))));
    }

    private static final String START = """
            event: message_start
            data: {"type": "message_start", "message": {"id": "msg_1", "type": "message", "role": "assistant", \
            "content": [], "model": "claude-opus-4-1-20250805", "stop_reason": null, "stop_sequence": null, \
            "usage": {"input_tokens": 25, "output_tokens": 1}}}

            event: content_block_start
            data: {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}

            """;

    private static String delta(String text) {
        return "event: content_block_delta\ndata: {\"type\": \"content_block_delta\", \"index\": 0, "
                + "\"delta\": {\"type\": \"text_delta\", \"text\": \"" + text + "\"}}\n\n";
    }

    private static final String PING = "event: ping\ndata: {\"type\": \"ping\"}\n\n";

    private static final String END = """
            event: content_block_stop
            data: {"type": "content_block_stop", "index": 0}

            event: message_delta
            data: {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence":null}, \
            "usage": {"output_tokens": 15}}

            event: message_stop
            data: {"type": "message_stop"}

            """;

    private static AnthropicStreamTranslator translator(BurstInputStream body) {
        return new AnthropicStreamTranslator(body, "anthropic", CREATED, false, Optional.empty(),
                new AnthropicErrorClassifier(Clock.systemUTC()));
    }

    @Test
    void aChunkAlreadyReceivedIsReportedSoTheWriterFlushesOncePerBurst() throws IOException {
        BurstInputStream body = new BurstInputStream(START + delta("Hel") + delta("lo"), END);
        AnthropicStreamTranslator stream = translator(body);
        assertEquals("assistant", Fixtures.parse(stream.next()).at("/choices/0/delta/role").asText());
        assertTrue(stream.hasBufferedChunk(), "'Hel' arrived with message_start");
        assertEquals("Hel", Fixtures.parse(stream.next()).at("/choices/0/delta/content").asText());
        assertTrue(stream.hasBufferedChunk(), "'lo' arrived in the same burst");
        assertEquals("lo", Fixtures.parse(stream.next()).at("/choices/0/delta/content").asText());
        assertFalse(stream.hasBufferedChunk(), "the end has not arrived: flush now");
        assertEquals(1, body.unread(), "looking ahead never waits for the upstream");
        assertEquals("stop", Fixtures.parse(stream.next()).at("/choices/0/finish_reason").asText());
        assertTrue(stream.hasBufferedChunk(), "finished: the next call returns at once");
        assertNull(stream.next());
    }

    @Test
    void eventsThatYieldNoChunkDoNotHoldTheFlushBack() throws IOException {
        // A ping (or a block's start or stop) right behind a delta yields nothing: reporting it as a buffered chunk
        // would leave the delta unsent until the next delta arrived.
        BurstInputStream body = new BurstInputStream(START + delta("Hi") + PING, delta("!") + END);
        AnthropicStreamTranslator stream = translator(body);
        stream.next();
        assertTrue(stream.hasBufferedChunk());
        assertEquals("Hi", Fixtures.parse(stream.next()).at("/choices/0/delta/content").asText());
        assertFalse(stream.hasBufferedChunk(), "only a ping is buffered");
        assertEquals("!", Fixtures.parse(stream.next()).at("/choices/0/delta/content").asText());
    }

    @Test
    void anErrorEventMetWhileLookingAheadIsThrownByTheNextCall() throws IOException {
        BurstInputStream body = new BurstInputStream(START + delta("Hello") + """
                event: error
                data: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}

                """);
        AnthropicStreamTranslator stream = translator(body);
        stream.next();
        assertTrue(stream.hasBufferedChunk());
        assertEquals("Hello", Fixtures.parse(stream.next()).at("/choices/0/delta/content").asText());
        assertTrue(stream.hasBufferedChunk(), "the error has arrived: the next call will not wait");
        AnthropicStreamException error = assertThrows(AnthropicStreamException.class, stream::next);
        assertEquals("upstream_overloaded", error.error().code());
    }
}
