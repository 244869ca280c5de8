package dev.tollgate.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.ChunkStream;
import dev.tollgate.providers.SseReader;
import dev.tollgate.providers.Usage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Passes an OpenAI SSE stream through chunk for chunk. The usage chunk (empty choices, usage set) is
 * read for metering and dropped when the gateway, not the client, asked for it.
 */
final class OpenAiChunkStream implements ChunkStream {

    private final InputStream body;
    private final SseReader reader;
    private final boolean clientWantsUsage;
    private Usage usage = Usage.NONE;

    OpenAiChunkStream(InputStream body, boolean clientWantsUsage) {
        this.body = body;
        this.reader = new SseReader(body);
        this.clientWantsUsage = clientWantsUsage;
    }

    @Override
    public byte[] next() throws IOException {
        while (true) {
            SseReader.Event event = reader.next();
            if (event == null || "[DONE]".equals(event.data())) {
                return null;
            }
            byte[] data = event.data().getBytes(StandardCharsets.UTF_8);
            JsonNode chunk = JsonCodec.parse(data);
            JsonNode usageNode = chunk == null ? null : chunk.get("usage");
            if (usageNode != null && usageNode.isObject()) {
                usage = Usage.fromOpenAi(usageNode);
                if (!clientWantsUsage && chunk.path("choices").isEmpty()) {
                    continue;
                }
            }
            return data;
        }
    }

    @Override
    public Usage usage() {
        return usage;
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException ignored) {
            // the connection is being abandoned either way
        }
    }
}
