package dev.tollgate.providers.bedrock;

import dev.tollgate.providers.ChunkStream;
import dev.tollgate.providers.LookaheadFailure;
import dev.tollgate.providers.Usage;
import software.amazon.awssdk.services.bedrockruntime.model.MessageStopEvent;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeoutException;

/**
 * A ConverseStream as OpenAI chunks, pulled one at a time. A stream that fails, stalls past the target's timeout, or
 * ends without Bedrock's messageStop event throws {@link IOException} from {@link #next()}, so the client sees an
 * error event rather than an answer that silently stops short.
 */
final class BedrockChunkStream implements ChunkStream {

    private final EventBridge events;
    private final ConverseStreamTranslator translator;
    private final Duration idleTimeout;
    private final Deque<byte[]> pending = new ArrayDeque<>();
    private boolean stopped;
    private boolean finished;
    private final LookaheadFailure lookaheadFailure = new LookaheadFailure();

    BedrockChunkStream(EventBridge events, ConverseStreamTranslator translator, Duration idleTimeout) {
        this.events = events;
        this.translator = translator;
        this.idleTimeout = idleTimeout;
    }

    @Override
    public byte[] next() throws IOException {
        lookaheadFailure.throwIfPresent();
        while (pending.isEmpty()) {
            if (finished) {
                return null;
            }
            EventBridge.Item item;
            try {
                item = events.take(idleTimeout);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                events.cancel();
                throw new InterruptedIOException("interrupted while waiting for Bedrock");
            }
            handle(item);
        }
        return pending.poll();
    }

    /**
     * Translates the events already received until one yields a chunk, so an event that yields none (a block's
     * start or stop, metadata) does not make the writer hold back its flush while the next one is on its way.
     */
    @Override
    public boolean hasBufferedChunk() {
        try {
            while (pending.isEmpty() && !finished && !lookaheadFailure.present() && events.hasQueued()) {
                handle(events.take(Duration.ZERO));
            }
        } catch (IOException | RuntimeException e) {
            lookaheadFailure.keep(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            events.cancel();
            lookaheadFailure.keep(new InterruptedIOException("interrupted while waiting for Bedrock"));
        }
        return !pending.isEmpty() || finished || lookaheadFailure.present();
    }

    private void handle(EventBridge.Item item) throws IOException {
        switch (item) {
            case EventBridge.Event event -> {
                if (event.event() instanceof MessageStopEvent) {
                    stopped = true;
                }
                pending.addAll(translator.translate(event.event()));
            }
            case EventBridge.End end -> {
                finished = true;
                if (!stopped) {
                    throw new IOException("Bedrock stream ended before its messageStop event");
                }
            }
            case EventBridge.Failure failure -> {
                finished = true;
                events.cancel();
                throw failure(failure.error());
            }
        }
    }

    /** No upstream text in the message: the client sees a generic stream error, the log the exception class. */
    private static IOException failure(Throwable error) {
        Throwable cause = BedrockErrorClassifier.unwrap(error);
        if (cause instanceof TimeoutException) {
            SocketTimeoutException timeout = new SocketTimeoutException(cause.getMessage());
            timeout.initCause(cause);
            return timeout;
        }
        return new IOException("Bedrock stream failed: " + cause.getClass().getSimpleName(), cause);
    }

    @Override
    public Usage usage() {
        return translator.usage();
    }

    @Override
    public void close() {
        if (!finished) {
            events.cancel();
        }
    }
}
