package dev.tollgate.providers;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A stream that reads upstream events one at a time and makes zero or more chunks of each: the queue of chunks
 * made but not yet returned, and the lookahead behind {@link #hasBufferedChunk()}, for every provider's stream.
 *
 * <p>The lookahead handles the events already received until one yields a chunk, so an event that yields none (a
 * ping, a block's start or stop, a usage chunk only the gateway asked for) never makes the SSE writer hold back its
 * flush while the next event is still on the wire. A failure met while looking ahead is kept and thrown by the
 * next {@link #next()}, where the writer expects failures.
 */
public abstract class LookaheadChunkStream implements ChunkStream {

    private final Deque<byte[]> pending = new ArrayDeque<>();
    private boolean ended;
    /** An IOException or RuntimeException met while looking ahead, not yet thrown. */
    private Exception lookaheadFailure;

    /**
     * Reads one upstream event, waiting for it if need be, and queues its chunks with {@link #emit}; calls
     * {@link #end()} once the stream has ended properly. Throws when it ended any other way.
     */
    protected abstract void step() throws IOException;

    /** Whether {@link #step()} would find its event already received, without waiting. */
    protected abstract boolean eventReady();

    protected final void emit(byte[] chunk) {
        pending.add(chunk);
    }

    /** No more events: once the queued chunks are returned, {@link #next()} returns null. */
    protected final void end() {
        ended = true;
    }

    protected final boolean ended() {
        return ended;
    }

    @Override
    public final byte[] next() throws IOException {
        Exception failure = lookaheadFailure;
        lookaheadFailure = null;
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        while (pending.isEmpty()) {
            if (ended) {
                return null;
            }
            step();
        }
        return pending.poll();
    }

    @Override
    public final boolean hasBufferedChunk() {
        try {
            while (pending.isEmpty() && !ended && lookaheadFailure == null && eventReady()) {
                step();
            }
        } catch (IOException | RuntimeException e) {
            lookaheadFailure = e;
        }
        return !pending.isEmpty() || ended || lookaheadFailure != null;
    }
}
