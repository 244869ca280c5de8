package dev.tollgate.api.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.api.RequestContext;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.log.RequestLog;
import dev.tollgate.providers.ChunkStream;
import dev.tollgate.providers.Usage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pump between an upstream chunk stream and the client: usage up front, failures as error events, logging. */
class MessageStreamPumpTest {

    private final List<String> logLines = new ArrayList<>();
    private final RequestLog log = new RequestLog(logLines::add);

    /** Chunks one by one, then a failure (when given) or the end; usage known from the first chunk on. */
    private static ChunkStream stream(List<String> chunks, IOException failure, Usage usage) {
        Iterator<String> next = chunks.iterator();
        return new ChunkStream() {
            private boolean read;

            @Override
            public byte[] next() throws IOException {
                read = true;
                if (next.hasNext()) {
                    return next.next().getBytes(StandardCharsets.UTF_8);
                }
                if (failure != null) {
                    throw failure;
                }
                return null;
            }

            @Override
            public Usage usage() {
                return read ? usage : Usage.NONE;
            }

            @Override
            public void close() {
            }
        };
    }

    private String pump(ChunkStream chunks) throws IOException {
        RequestContext context = new RequestContext("req-1",
                new dev.tollgate.core.GatewayRequest("POST", "/v1/messages", java.util.Map.of(), null), "/v1/messages", log);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new MessageStreamPump(chunks, new MessageStreamTranslator("msg_1", "demo"), context, log).writeTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void upstreamBreakingMidStreamEndsWithAnErrorEventAndIsLogged() throws IOException {
        String text = pump(stream(List.of("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}"),
                new IOException("connection reset"), Usage.NONE));
        assertTrue(text.startsWith("event: message_start\n"), text);
        assertTrue(text.endsWith("""
                event: error
                data: {"type":"error","error":{"type":"api_error","message":"The upstream provider 'unknown' stream broke before it finished."}}

                """), text);
        assertTrue(!text.contains("message_stop"), "a broken stream never looks finished");
        JsonNode logged = JsonCodec.parse(logLines.getLast().getBytes(StandardCharsets.UTF_8));
        assertEquals("upstream_stream_broken", logged.get("outcome").asText());
    }

    @Test
    void malformedChunkIsAnErrorEventToo() throws IOException {
        String text = pump(stream(List.of("{\"choices\":[{\"delta\":{\"content\":\"a\"}}]}", "{not json"), null, Usage.NONE));
        assertTrue(text.contains("event: content_block_delta"), text);
        assertTrue(text.endsWith("\n\n") && text.contains("event: error\n"), text);
    }

    @Test
    void usageKnownAfterTheFirstChunkReachesMessageStart() throws IOException {
        String text = pump(stream(List.of("{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}"), null,
                new Usage(42, 3, 2)));
        assertTrue(text.startsWith("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\""), text);
        assertTrue(text.contains("\"usage\":{\"input_tokens\":40,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":2,\"output_tokens\":0}}}"), text);
        assertTrue(text.contains("\"usage\":{\"input_tokens\":40,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":2,\"output_tokens\":3}}"), text);
        JsonNode logged = JsonCodec.parse(logLines.getLast().getBytes(StandardCharsets.UTF_8));
        assertEquals("ok", logged.get("outcome").asText());
        assertEquals(42, logged.get("prompt_tokens").asLong());
    }
}
