package dev.tollgate.providers;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;

class SseReaderTest {

    private static SseReader reader(String text) {
        return new SseReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsDataEventsInOrder() throws IOException {
        SseReader reader = reader("data: {\"a\":1}\n\ndata: [DONE]\n\n");
        assertEquals(new SseReader.Event(null, "{\"a\":1}"), reader.next());
        assertEquals(new SseReader.Event(null, "[DONE]"), reader.next());
        assertNull(reader.next());
    }

    @Test
    void namedEventsCommentsAndCrLfAreHandled() throws IOException {
        SseReader reader = reader(": keep-alive\r\n\r\nevent: message_start\r\ndata: {\"x\":\"é\"}\r\n\r\nevent: ping\ndata:{}\n\n");
        assertEquals(new SseReader.Event("message_start", "{\"x\":\"é\"}"), reader.next());
        assertEquals(new SseReader.Event("ping", "{}"), reader.next());
        assertNull(reader.next());
    }

    @Test
    void multiLineDataIsJoinedWithNewlines() throws IOException {
        assertEquals("line1\nline2", reader("data: line1\ndata: line2\n\n").next().data());
    }

    @Test
    void aFinalEventWithoutBlankLineIsStillDelivered() throws IOException {
        SseReader reader = reader("data: last");
        assertEquals("last", reader.next().data());
        assertNull(reader.next());
    }

    /** Hands out at most {@code step} bytes per read, as a network stream may. */
    private static InputStream trickle(String text, int step) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, step));
            }
        };
    }

    @Test
    void eventsSplitAcrossReadsAtAnyByteAreReassembled() throws IOException {
        // CR LF split between reads, a two-byte UTF-8 character split between reads, a data line of 20,000 bytes.
        String big = "x".repeat(20_000);
        String text = "event: a\r\ndata: {\"x\":\"é\"}\r\n\r\ndata: " + big + "\n\ndata: [DONE]\r\r";
        for (int step : new int[] {1, 2, 3, 7, 8192}) {
            SseReader reader = new SseReader(trickle(text, step));
            assertEquals(new SseReader.Event("a", "{\"x\":\"é\"}"), reader.next(), "step " + step);
            assertEquals(big, reader.next().data(), "step " + step);
            assertEquals(new SseReader.Event(null, "[DONE]"), reader.next(), "step " + step);
            assertNull(reader.next(), "step " + step);
        }
    }

    @Test
    void aBufferedEventIsReportedOnlyWhenItHasArrivedWhole() throws IOException {
        SseReader reader = new SseReader(trickle("data: 1\n\ndata: 2\r\n\r\n: comment\n\ndata: 3\n", 8192));
        assertEquals("1", reader.next().data());
        assertTrue(reader.hasBufferedEvent(), "event 2 is complete in the buffer");
        assertEquals("2", reader.next().data());
        assertFalse(reader.hasBufferedEvent(), "a comment and a data line without its blank line are no event");
        assertEquals("3", reader.next().data());
        assertFalse(reader.hasBufferedEvent());
    }

    @Test
    void aBlockWithoutDataIsNoBufferedEventSinceNextReadsPastIt() throws IOException {
        SseReader reader = new SseReader(trickle("data: 1\n\nid: 7\nevent: ping\n\nretry: 10\n\ndata\n\n", 8192));
        assertEquals("1", reader.next().data());
        assertTrue(reader.hasBufferedEvent(), "a bare 'data' line counts: its event has empty data");
        assertEquals(new SseReader.Event(null, ""), reader.next(), "the blocks without data were skipped");
        assertFalse(reader.hasBufferedEvent());
    }

    @Test
    void onlyFieldBlocksWithoutDataAreNotReportedAsAnEvent() throws IOException {
        SseReader reader = new SseReader(trickle("data: 1\n\nevent: ping\n\nid: 2\n\ndatum: x\n\n", 8192));
        assertEquals("1", reader.next().data());
        assertFalse(reader.hasBufferedEvent(), "next() would wait on the stream after these blocks");
    }
}
