package dev.tollgate.fakes;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Encodes AWS event-stream messages ({@code application/vnd.amazon.eventstream}) byte for byte as documented:
 * a 12-byte prelude (total length, headers length, CRC32 of those 8 bytes), headers (name length, name, type 7 =
 * string, value length, value), the payload, then a CRC32 of everything before it. Written independently of the
 * SDK, so that the SDK decoding these frames proves the framing.
 */
public final class EventStreamFrames {

    private static final byte STRING_TYPE = 7;

    private EventStreamFrames() {
    }

    /** A {@code :message-type event} frame, as ConverseStream sends each event. */
    public static byte[] event(String eventType, String jsonPayload) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(":event-type", eventType);
        headers.put(":content-type", "application/json");
        headers.put(":message-type", "event");
        return frame(headers, jsonPayload.getBytes(StandardCharsets.UTF_8));
    }

    /** A {@code :message-type exception} frame: the service failing after the stream began. */
    public static byte[] exception(String exceptionType, String jsonPayload) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(":exception-type", exceptionType);
        headers.put(":content-type", "application/json");
        headers.put(":message-type", "exception");
        return frame(headers, jsonPayload.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] frame(Map<String, String> headers, byte[] payload) {
        ByteArrayOutputStream headerBytes = new ByteArrayOutputStream();
        headers.forEach((name, value) -> {
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            byte[] v = value.getBytes(StandardCharsets.UTF_8);
            headerBytes.write(n.length);
            headerBytes.writeBytes(n);
            headerBytes.write(STRING_TYPE);
            headerBytes.write((v.length >>> 8) & 0xff);
            headerBytes.write(v.length & 0xff);
            headerBytes.writeBytes(v);
        });
        byte[] h = headerBytes.toByteArray();
        int total = 12 + h.length + payload.length + 4;
        ByteBuffer buffer = ByteBuffer.allocate(total);
        buffer.putInt(total).putInt(h.length);
        buffer.putInt((int) crc(buffer.array(), 0, 8));
        buffer.put(h).put(payload);
        buffer.putInt((int) crc(buffer.array(), 0, total - 4));
        return buffer.array();
    }

    private static long crc(byte[] bytes, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, offset, length);
        return crc.getValue();
    }
}
