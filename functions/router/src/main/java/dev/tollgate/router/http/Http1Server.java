package dev.tollgate.router.http;

import dev.tollgate.core.DaemonTimer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A small HTTP/1.1 server: one accept thread, and one platform thread per connection doing blocking reads and
 * writes on its socket. No selector and no hand-off between threads, which is what made the JDK's server add
 * about 0.1 ms per request (and virtual threads add a poller-to-carrier hop). Nagle is off on every connection, so
 * each flush of a stream is sent at once. At most {@link Limits#maxConnections()} connections are served; beyond
 * that the accept loop waits. Reads time out on the socket; writes are watched by one periodic sweep on the
 * process's timer thread, which closes a connection whose write has been blocked past {@link Limits#writeTimeout()}.
 */
public final class Http1Server implements AutoCloseable {

    private static final int BACKLOG = 1024;

    private final ServerSocket listener;
    private final HttpHandler handler;
    private final Limits limits;
    private final Semaphore slots;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closing;
    private volatile ScheduledFuture<?> writeSweep;

    /** Binds at once (port 0: an ephemeral port, see {@link #port()}); serves after {@link #start()}. */
    public Http1Server(InetSocketAddress address, HttpHandler handler, Limits limits) throws IOException {
        this.handler = handler;
        this.limits = limits;
        this.slots = new Semaphore(limits.maxConnections());
        this.listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(address, BACKLOG);
        // Not a daemon: a server process lives as long as its accept loop.
        this.acceptor = Thread.ofPlatform().name("tollgate-accept").unstarted(this::acceptLoop);
    }

    public Http1Server start() {
        acceptor.start();
        long timeout = limits.writeTimeout().toNanos();
        if (timeout > 0) {
            // A quarter of the timeout between sweeps (at most 1 s, at least 10 ms): a stuck write is closed
            // between 1x and 1.25x the timeout.
            long every = Math.clamp(timeout / 4, TimeUnit.MILLISECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(1));
            writeSweep = DaemonTimer.get().scheduleWithFixedDelay(() -> closeStuckWrites(timeout), every, every,
                    TimeUnit.NANOSECONDS);
        }
        return this;
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Stops accepting and closes every open connection; does not wait for their threads. */
    @Override
    public void close() {
        closing = true;
        ScheduledFuture<?> sweep = writeSweep;
        if (sweep != null) {
            sweep.cancel(false);
        }
        try {
            listener.close();
        } catch (IOException ignored) {
            // Closing anyway.
        }
        acceptor.interrupt();
        for (Connection connection : open) {
            connection.closeQuietly();
        }
        if (acceptor.isAlive() && Thread.currentThread() != acceptor) {
            try {
                acceptor.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    boolean closing() {
        return closing;
    }

    void ended(Connection connection) {
        if (open.remove(connection)) {
            slots.release();
        }
    }

    private void closeStuckWrites(long timeoutNanos) {
        long now = System.nanoTime();
        for (Connection connection : open) {
            if (connection.writeStuck(now, timeoutNanos)) {
                connection.closeQuietly();
            }
        }
    }

    private void acceptLoop() {
        Thread.Builder threads = Thread.ofPlatform().name("tollgate-conn-", 1).daemon();
        while (!closing) {
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                return;
            }
            Socket socket;
            try {
                socket = listener.accept();
                socket.setTcpNoDelay(true);
            } catch (IOException e) {
                slots.release();
                if (closing || listener.isClosed()) {
                    return;
                }
                pause(); // out of file descriptors, say: do not spin
                continue;
            }
            Connection connection = new Connection(socket, handler, limits, this);
            open.add(connection);
            if (closing) {
                ended(connection);
                connection.closeQuietly();
                return;
            }
            try {
                threads.start(connection);
            } catch (RuntimeException | OutOfMemoryError e) {
                ended(connection);
                connection.closeQuietly();
                pause();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
