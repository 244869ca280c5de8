package dev.tollgate.testing;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A body that arrives in bursts, as from a network: one read never returns bytes of two bursts, so what a reader
 * has buffered after a read is exactly what had "arrived" by then.
 */
public final class BurstInputStream extends InputStream {

    private final Deque<byte[]> bursts = new ArrayDeque<>();
    private byte[] current = new byte[0];
    private int position;

    public BurstInputStream(String... bursts) {
        for (String burst : bursts) {
            this.bursts.add(burst.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** How many bursts have not been read from at all. */
    public int unread() {
        return bursts.size();
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        if (position == current.length) {
            if (bursts.isEmpty()) {
                return -1;
            }
            current = bursts.poll();
            position = 0;
        }
        int n = Math.min(len, current.length - position);
        System.arraycopy(current, position, b, off, n);
        position += n;
        return n;
    }
}
