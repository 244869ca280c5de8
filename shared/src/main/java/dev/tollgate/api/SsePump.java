package dev.tollgate.api;

import dev.tollgate.errors.ErrorBody;
import dev.tollgate.errors.ProviderError;
import dev.tollgate.log.RequestLog;
import dev.tollgate.providers.ChunkStream;
import dev.tollgate.providers.Usage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Copies chunks from the provider to the client as they arrive, one SSE event each, flushing whenever no further
 * chunk has already arrived; ends with {@code data: [DONE]}, or with an error event if the upstream breaks
 * mid-stream.
 */
final class SsePump {

    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END_OF_EVENT = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final ChunkStream chunks;
    private final RequestContext context;
    private final RequestLog log;

    SsePump(ChunkStream chunks, RequestContext context, RequestLog log) {
        this.chunks = chunks;
        this.context = context;
        this.log = log;
    }

    void writeTo(OutputStream out) throws IOException {
        String outcome = "ok";
        long forwarded = 0;
        try (chunks) {
            while (true) {
                byte[] chunk;
                try {
                    chunk = chunks.next();
                } catch (IOException | RuntimeException e) {
                    ProviderError error = StreamFailures.describe(e, context.providerLabel());
                    outcome = error.code();
                    writeEvent(out, ErrorBody.bytes(error));
                    out.flush();
                    return;
                }
                if (chunk == null) {
                    out.write(DONE);
                    out.flush();
                    return;
                }
                writeEvent(out, chunk);
                forwarded++;
                if (!chunks.hasBufferedChunk()) {
                    // Flushed once per burst: a chunk that has already arrived goes out with this one, and nothing
                    // written waits for the upstream (Nagle is off, so the flush is the send).
                    out.flush();
                }
            }
        } catch (IOException clientGone) {
            outcome = "client_disconnected";
            throw clientGone;
        } finally {
            Usage usage = chunks.usage();
            boolean estimated = usage.equals(Usage.NONE);
            if (estimated) {
                // The stream ended before its usage arrived: charge what was sent, about a token per chunk.
                usage = new Usage(context.promptEstimate(), forwarded, 0);
            }
            context.finished(200, usage, estimated, outcome);
            log.write(context.summary());
        }
    }

    private static void writeEvent(OutputStream out, byte[] data) throws IOException {
        out.write(DATA);
        out.write(data);
        out.write(END_OF_EVENT);
    }
}
