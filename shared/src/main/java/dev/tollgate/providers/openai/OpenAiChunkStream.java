package dev.tollgate.providers.openai;

import dev.tollgate.providers.LookaheadChunkStream;
import dev.tollgate.providers.SseReader;
import dev.tollgate.providers.Usage;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Passes an OpenAI SSE stream through chunk for chunk. The usage chunk (empty choices, usage set) is
 * read for metering and dropped when the gateway, not the client, asked for it; any other chunk without choices
 * (Azure's prompt-filter annotation) is dropped too, as no OpenAI client expects it. A stream that ends before
 * {@code [DONE]} and before any finish_reason was cut short: that is an error, never a quietly shorter answer.
 */
public final class OpenAiChunkStream extends LookaheadChunkStream {

    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private final InputStream body;
    private final SseReader reader;
    private final boolean clientWantsUsage;
    private Usage usage = Usage.NONE;
    private boolean finished;

    public OpenAiChunkStream(InputStream body, boolean clientWantsUsage) {
        this.body = body;
        this.reader = new SseReader(body);
        this.clientWantsUsage = clientWantsUsage;
    }

    @Override
    protected void step() throws IOException {
        SseReader.Event event = reader.next();
        if (event == null) {
            // A body that ends without [DONE] and before any finish_reason was cut short, not complete.
            if (!finished) {
                throw new EOFException("upstream stream ended before it finished");
            }
            end();
            return;
        }
        if (event.dataEquals(DONE)) {
            end();
            return;
        }
        byte[] data = event.bytes();
        OpenAiAnswerScan chunk;
        try {
            chunk = OpenAiAnswerScan.of(data);
        } catch (IOException e) {
            throw new IOException("the upstream sent a chunk that is not a JSON object", e);
        }
        if (chunk.error()) {
            throw new IOException("the upstream reported an error mid-stream");
        }
        finished |= chunk.finished();
        if (chunk.usage() != null) {
            usage = Usage.fromOpenAi(chunk.usage());
        }
        // Not forwarded: the usage chunk only the gateway asked for, or a chunk OpenAI's format does not define
        // (Azure opens its streams with one holding only prompt_filter_results, empty id and object).
        if (chunk.choices() > 0 || (chunk.usage() != null && clientWantsUsage)) {
            emit(data);
        }
    }

    @Override
    protected boolean eventReady() {
        return reader.hasBufferedEvent();
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
