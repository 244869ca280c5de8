package dev.tollgate.http;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Idle keep-alive connections per origin (scheme, host, port), newest first: the most recently used connection is
 * the least likely to have been closed by the server. Expired and stale connections are dropped when met; no timer.
 */
final class ConnectionPool {

    private final int maxIdlePerOrigin;
    private final long maxIdleNanos;
    private final ConcurrentHashMap<String, ArrayDeque<Connection>> idle = new ConcurrentHashMap<>();

    ConnectionPool(int maxIdlePerOrigin, long maxIdleNanos) {
        this.maxIdlePerOrigin = maxIdlePerOrigin;
        this.maxIdleNanos = maxIdleNanos;
    }

    /** An idle connection to the origin that is still usable, or null. */
    Connection take(String origin) {
        ArrayDeque<Connection> connections = idle.get(origin);
        if (connections == null) {
            return null;
        }
        long now = System.nanoTime();
        while (true) {
            Connection connection;
            synchronized (connections) {
                Connection oldest;
                while ((oldest = connections.peekLast()) != null && now - oldest.idleSince() > maxIdleNanos) {
                    connections.pollLast().close();
                }
                connection = connections.pollFirst();
            }
            if (connection == null) {
                return null;
            }
            if (connection.reusable()) {
                return connection;
            }
            connection.close();
        }
    }

    void put(Connection connection) {
        connection.idleSince(System.nanoTime());
        ArrayDeque<Connection> connections = idle.computeIfAbsent(connection.origin, o -> new ArrayDeque<>());
        Connection evicted = null;
        synchronized (connections) {
            connections.addFirst(connection);
            if (connections.size() > maxIdlePerOrigin) {
                evicted = connections.pollLast();
            }
        }
        if (evicted != null) {
            evicted.close();
        }
    }

    /** Closes every idle connection. */
    void clear() {
        for (ArrayDeque<Connection> connections : idle.values()) {
            synchronized (connections) {
                connections.forEach(Connection::close);
                connections.clear();
            }
        }
    }
}
