package dev.tollgate.providers;

import java.io.IOException;

/**
 * A failure met while a stream looked ahead for {@link ChunkStream#hasBufferedChunk()} (which cannot throw), kept
 * so that the next {@link ChunkStream#next()} throws it where the writer expects failures.
 */
public final class LookaheadFailure {

    private Exception failure;

    /** Keeps an IOException or RuntimeException; anything else would have escaped the stream anyway. */
    public void keep(Exception e) {
        if (!(e instanceof IOException) && !(e instanceof RuntimeException)) {
            throw new IllegalArgumentException("only I/O and runtime failures are kept", e);
        }
        failure = e;
    }

    public boolean present() {
        return failure != null;
    }

    /** Throws the kept failure once, then forgets it. */
    public void throwIfPresent() throws IOException {
        Exception e = failure;
        failure = null;
        if (e instanceof IOException io) {
            throw io;
        }
        if (e instanceof RuntimeException runtime) {
            throw runtime;
        }
    }
}
