package dev.tollgate.routing;

import java.time.Duration;

/** Waits between attempts; injected so tests of backoff do not sleep. */
@FunctionalInterface
public interface Sleeper {

    void sleep(Duration duration) throws InterruptedException;

    Sleeper REAL = Thread::sleep;
}
