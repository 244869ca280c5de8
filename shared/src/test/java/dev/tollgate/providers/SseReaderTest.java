package dev.tollgate.providers;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
