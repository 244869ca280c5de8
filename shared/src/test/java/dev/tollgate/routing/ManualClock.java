package dev.tollgate.routing;

import dev.tollgate.testing.SettableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A clock moved by hand, and a sleeper that moves it instead of sleeping (recording each wait). */
final class ManualClock extends SettableClock implements Sleeper {

    ManualClock() {
        super("2026-11-25T12:00:00Z");
    }

    final List<Duration> sleeps = new ArrayList<>();

    @Override
    public void sleep(Duration duration) {
        sleeps.add(duration);
        now = now.plus(duration);
    }

    void advance(Duration duration) {
        now = now.plus(duration);
    }
}
