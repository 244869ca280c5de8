package dev.tollgate.providers;

import java.io.IOException;

/**
 * An open streamed completion whose upstream already answered 2xx. Each {@link #next()} returns one
 * OpenAI chunk as JSON bytes (the SSE data) as soon as it arrives.
 */
public interface ChunkStream extends AutoCloseable {

    /** The next chunk's JSON, or null when the stream ended normally. */
    byte[] next() throws IOException;

    /**
     * Whether the next {@link #next()} has its chunk already received and will not wait for the upstream (false when
     * unknown). Lets the SSE writer flush once per burst of chunks instead of once per chunk.
     */
    default boolean hasBufferedChunk() {
        return false;
    }

    /** Usage seen so far; complete once {@link #next()} returned null. */
    Usage usage();

    @Override
    void close();
}
