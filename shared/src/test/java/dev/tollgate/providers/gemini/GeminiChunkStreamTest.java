package dev.tollgate.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.errors.ProviderError;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.Fixtures;
import dev.tollgate.providers.Usage;
import dev.tollgate.testing.BurstInputStream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GeminiChunkStreamTest {

    private static GeminiChunkStream open(byte[] sse, boolean clientWantsUsage) {
        return new GeminiChunkStream(new ByteArrayInputStream(sse), "gemini-2.5-flash", 1_750_000_000L,
                clientWantsUsage).prime();
    }

    private static List<JsonNode> drain(GeminiChunkStream stream) throws IOException {
        List<JsonNode> chunks = new ArrayList<>();
        for (byte[] chunk = stream.next(); chunk != null; chunk = stream.next()) {
            chunks.add(JsonCodec.parse(chunk));
        }
        return chunks;
    }

    @Test
    void framesBecomeRoleTextDeltasFinishAndTheUsageChunkTheClientAskedFor() throws IOException {
        GeminiChunkStream stream = open(Fixtures.bytes("gemini/stream-text.sse"), true);
        List<JsonNode> chunks = drain(stream);
        assertEquals(5, chunks.size(), chunks.toString());
        JsonNode first = chunks.get(0);
        assertEquals("chat.completion.chunk", first.get("object").asText());
        assertEquals("chatcmpl-s3GtaPnhA4-8qtsPwZzsyAk", first.get("id").asText());
        assertEquals("assistant", first.at("/choices/0/delta/role").asText());
        assertEquals("The", first.at("/choices/0/delta/content").asText());
        assertTrue(first.get("usage").isNull(), "usage is null on content chunks when the client asked for it");
        assertEquals(" capital of France is", chunks.get(1).at("/choices/0/delta/content").asText());
        assertFalse(chunks.get(1).at("/choices/0/delta").has("role"));
        assertEquals(" Paris.", chunks.get(2).at("/choices/0/delta/content").asText());
        assertTrue(chunks.get(2).at("/choices/0/finish_reason").isNull());
        assertEquals("stop", chunks.get(3).at("/choices/0/finish_reason").asText());
        JsonNode usage = chunks.get(4);
        assertEquals(0, usage.get("choices").size());
        assertEquals(2057, usage.at("/usage/prompt_tokens").asLong());
        assertEquals(2040, usage.at("/usage/prompt_tokens_details/cached_tokens").asLong());
        assertEquals(120, usage.at("/usage/completion_tokens").asLong());
        assertEquals(112, usage.at("/usage/completion_tokens_details/reasoning_tokens").asLong());
        assertTrue(chunks.stream().allMatch(c -> c.get("id").equals(first.get("id"))));
        assertEquals(new Usage(2057, 120, 2040), stream.usage());
    }

    @Test
    void withoutTheClientAskingThereIsNoUsageChunkButUsageIsStillMetered() throws IOException {
        GeminiChunkStream stream = open(Fixtures.bytes("gemini/stream-text.sse"), false);
        List<JsonNode> chunks = drain(stream);
        assertEquals(4, chunks.size());
        assertTrue(chunks.stream().noneMatch(c -> c.has("usage")));
        assertEquals(new Usage(2057, 120, 2040), stream.usage());
    }

    @Test
    void functionCallsArriveAsCompleteToolCallDeltasAndFinishAsToolCalls() throws IOException {
        List<JsonNode> chunks = drain(open(Fixtures.bytes("gemini/stream-function-call.sse"), false));
        assertEquals(3, chunks.size(), chunks.toString());
        JsonNode first = chunks.get(0).at("/choices/0/delta");
        assertEquals("assistant", first.get("role").asText());
        assertFalse(first.has("content"));
        assertEquals(0, first.at("/tool_calls/0/index").asInt());
        assertEquals("get_weather", first.at("/tool_calls/0/function/name").asText());
        assertEquals("{\"city\":\"Paris\"}", first.at("/tool_calls/0/function/arguments").asText());
        assertTrue(first.at("/tool_calls/0/id").asText().startsWith("call_"));
        assertEquals("CiIBVKhc7oDPpCaXyJKKssjqr4g3JNOSgTSgtLiMzLAjWq0K",
                first.at("/tool_calls/0/extra_content/google/thought_signature").asText());
        JsonNode second = chunks.get(1).at("/choices/0/delta");
        assertEquals(1, second.at("/tool_calls/0/index").asInt());
        assertEquals("get_time", second.at("/tool_calls/0/function/name").asText());
        assertEquals("tool_calls", chunks.get(2).at("/choices/0/finish_reason").asText());
    }

    @Test
    void aStreamCutBeforeAnyFinishReasonFailsInsteadOfEndingQuietly() throws IOException {
        byte[] whole = Fixtures.bytes("gemini/stream-text.sse");
        String text = new String(whole, StandardCharsets.UTF_8);
        byte[] cut = text.substring(0, text.indexOf("data: ", text.indexOf("data: ", 1) + 1))
                .getBytes(StandardCharsets.UTF_8);
        GeminiChunkStream stream = open(cut, false);
        assertEquals("The", JsonCodec.parse(stream.next()).at("/choices/0/delta/content").asText());
        assertEquals(" capital of France is", JsonCodec.parse(stream.next()).at("/choices/0/delta/content").asText());
        IOException e = assertThrows(IOException.class, stream::next);
        assertTrue(e.getMessage().contains("before a finish reason"), e.getMessage());
    }

    @Test
    void aMalformedFrameMidStreamIsAnError() throws IOException {
        String text = new String(Fixtures.bytes("gemini/stream-text.sse"), StandardCharsets.UTF_8);
        int second = text.indexOf("data: ", 1);
        byte[] broken = (text.substring(0, second) + "data: {\"candidates\": [{\"content\": {\"parts\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        GeminiChunkStream stream = open(broken, false);
        stream.next();
        assertThrows(IOException.class, stream::next);
    }

    @Test
    void aPromptBlockedInTheFirstFrameIsAContentFilterErrorBeforeTheStreamOpens() {
        ProviderError error = assertThrows(ProviderError.class,
                () -> open(Fixtures.bytes("gemini/stream-prompt-blocked.sse"), false));
        assertEquals("content_filter", error.code());
        assertEquals(400, error.status());
    }

    @Test
    void anEmptyStreamIsMalformedAndCanStillFallBack() {
        ProviderError error = assertThrows(ProviderError.class, () -> open(new byte[0], false));
        assertEquals("upstream_malformed_response", error.code());
    }

    @Test
    void aSafetyStopMidStreamFinishesAsContentFilter() throws IOException {
        String frames = "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Step one\"}],\"role\": \"model\"},\"index\": 0}]}\r\n\r\n"
                + "data: {\"candidates\": [{\"finishReason\": \"SAFETY\",\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 5,\"candidatesTokenCount\": 2,\"totalTokenCount\": 7}}\r\n\r\n";
        List<JsonNode> chunks = drain(open(frames.getBytes(StandardCharsets.UTF_8), false));
        assertEquals(Arrays.asList("Step one", null),
                chunks.stream().map(c -> c.at("/choices/0/delta/content").isMissingNode() ? null
                        : c.at("/choices/0/delta/content").asText()).toList());
        assertEquals("content_filter", chunks.get(1).at("/choices/0/finish_reason").asText());
    }

    private static String content(byte[] chunk) throws IOException {
        return JsonCodec.parse(chunk).at("/choices/0/delta/content").asText();
    }

    private static String frame(String text, String finishReason) {
        return "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"" + text + "\"}],\"role\": \"model\"}"
                + (finishReason == null ? "" : ",\"finishReason\": \"" + finishReason + "\"")
                + ",\"index\": 0}],\"modelVersion\": \"gemini-2.5-flash\",\"responseId\": \"r1\"}\n\n";
    }

    @Test
    void framesAlreadyReceivedAreReportedSoTheWriterFlushesOncePerBurst() throws IOException {
        BurstInputStream body = new BurstInputStream(frame("The", null) + frame(" capital", null),
                frame(" Paris.", "STOP"));
        GeminiChunkStream stream = new GeminiChunkStream(body, "gemini-2.5-flash", 1_750_000_000L, false).prime();
        assertEquals("The", content(stream.next()));
        assertTrue(stream.hasBufferedChunk(), "' capital' arrived with the first frame");
        assertEquals(" capital", content(stream.next()));
        assertFalse(stream.hasBufferedChunk(), "the last frame has not arrived: flush now");
        assertEquals(1, body.unread(), "looking ahead never waits for the upstream");
        assertEquals(" Paris.", content(stream.next()));
        assertTrue(stream.hasBufferedChunk(), "the finish chunk was made with the last frame");
    }

    @Test
    void aBrokenFrameMetWhileLookingAheadIsThrownByTheNextCall() throws IOException {
        BurstInputStream body = new BurstInputStream(frame("The", null) + "data: {not json\n\n");
        GeminiChunkStream stream = new GeminiChunkStream(body, "gemini-2.5-flash", 1_750_000_000L, false).prime();
        assertEquals("The", content(stream.next()));
        assertTrue(stream.hasBufferedChunk(), "the broken frame has arrived: the next call will not wait");
        assertThrows(IOException.class, stream::next);
    }
}
