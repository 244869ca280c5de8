package dev.tollgate.providers.openai;

import dev.tollgate.testing.BurstInputStream;
import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An OpenAI-format stream passed through: what is forwarded, what is dropped, and when the writer may flush. */
class OpenAiChunkStreamTest {

    private static String content(String text) {
        return "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":"
                + "{\"content\":\"" + text + "\"},\"finish_reason\":null}]}\n\n";
    }

    private static final String FINISH = "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},"
            + "\"finish_reason\":\"stop\"}]}\n\n";
    private static final String USAGE = "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":7,"
            + "\"completion_tokens\":2}}\n\n";
    private static final String DONE = "data: [DONE]\n\n";

    private static String text(byte[] chunk) {
        return new String(chunk, StandardCharsets.UTF_8);
    }

    @Test
    void chunksAreForwardedAsReceivedAndUsageOnlyTheGatewayAskedForIsReadAndDropped() throws IOException {
        OpenAiChunkStream stream = new OpenAiChunkStream(
                new BurstInputStream(content("Hi") + FINISH + USAGE + DONE), false);
        assertEquals(content("Hi").substring(6, content("Hi").length() - 2), text(stream.next()));
        assertEquals(FINISH.substring(6, FINISH.length() - 2), text(stream.next()));
        assertNull(stream.next(), "the usage chunk is not forwarded, [DONE] ends the stream");
        assertEquals(7, stream.usage().promptTokens());
        assertEquals(2, stream.usage().completionTokens());
    }

    @Test
    void theClientWhoAskedForUsageGetsTheUsageChunk() throws IOException {
        OpenAiChunkStream stream = new OpenAiChunkStream(new BurstInputStream(FINISH + USAGE + DONE), true);
        stream.next();
        assertEquals(USAGE.substring(6, USAGE.length() - 2), text(stream.next()));
        assertNull(stream.next());
    }

    @Test
    void aDroppedChunkAlreadyReceivedDoesNotHoldTheFlushBack() throws IOException {
        // The finish chunk's burst also carries the usage chunk only the gateway asked for: nothing forwardable is
        // buffered, so the writer must flush the finish chunk now rather than wait for [DONE].
        BurstInputStream body = new BurstInputStream(content("Hi") + content("!"), FINISH + USAGE, DONE);
        OpenAiChunkStream stream = new OpenAiChunkStream(body, false);
        stream.next();
        assertTrue(stream.hasBufferedChunk(), "'!' arrived with 'Hi'");
        stream.next();
        assertFalse(stream.hasBufferedChunk(), "nothing more has arrived: flush now");
        assertEquals(FINISH.substring(6, FINISH.length() - 2), text(stream.next()));
        assertFalse(stream.hasBufferedChunk(), "only the dropped usage chunk has arrived: flush now");
        assertEquals(1, body.unread(), "looking ahead never waits for the upstream");
        assertEquals(7, stream.usage().promptTokens(), "the usage was read while looking ahead");
        assertNull(stream.next());
    }

    @Test
    void aStreamCutShortBeforeAnyFinishReasonFailsAndAFinishedOneWithoutDoneEnds() throws IOException {
        OpenAiChunkStream cut = new OpenAiChunkStream(new BurstInputStream(content("Hi")), false);
        cut.next();
        assertThrows(EOFException.class, cut::next);

        OpenAiChunkStream finished = new OpenAiChunkStream(new BurstInputStream(content("Hi") + FINISH), false);
        finished.next();
        finished.next();
        assertNull(finished.next());
    }
}
