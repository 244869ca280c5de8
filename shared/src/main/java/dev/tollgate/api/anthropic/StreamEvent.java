package dev.tollgate.api.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.JsonCodec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** One named server-sent event of Anthropic's stream, framed {@code event: NAME\ndata: JSON\n\n}. */
public record StreamEvent(String name, ObjectNode data) {

    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + name.length());
        out.writeBytes(("event: " + name + "\ndata: ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(JsonCodec.bytes(data));
        out.writeBytes("\n\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
