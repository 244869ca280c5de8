package dev.tollgate.providers.bedrock;

import dev.tollgate.providers.LookaheadChunkStream;
import dev.tollgate.providers.Usage;
import software.amazon.awssdk.services.bedrockruntime.model.MessageStopEvent;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * A ConverseStream as OpenAI chunks, pulled one at a time. A stream that fails, stalls past the target's timeout, or
 * ends without Bedrock's messageStop event throws {@link IOException} from {@link #next()}, so the client sees an
 * error event rather than an answer that silently stops short.
 */
final class BedrockChunkStream extends LookaheadChunkStream {

    private final EventBridge events;
    private final ConverseStreamTranslator translator;
    private final Duration idleTimeout;
    private boolean stopped;

    BedrockChunkStream(EventBridge events, ConverseStreamTranslator translator, Duration idleTimeout) {
        this.events = events;
        this.translator = translator;
        this.idleTimeout = idleTimeout;
    }

    @Override
    protected void step() throws IOException {
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

    /** An event already queued, which {@link EventBridge#take} returns at once. */
    @Override
    protected boolean eventReady() {
        return events.hasQueued();
    }

    private void handle(EventBridge.Item item) throws IOException {
        switch (item) {
            case EventBridge.Event event -> {
                if (event.event() instanceof MessageStopEvent) {
                    stopped = true;
                }
                translator.translate(event.event()).forEach(this::emit);
            }
            case EventBridge.End end -> {
                end();
                if (!stopped) {
                    throw new IOException("Bedrock stream ended before its messageStop event");
                }
            }
            case EventBridge.Failure failure -> {
                end();
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
        if (!ended()) {
            events.cancel();
        }
    }
}
