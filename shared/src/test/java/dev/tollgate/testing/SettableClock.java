package dev.tollgate.testing;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A UTC clock that reads whatever the test last set; volatile because background threads read it too. */
public class SettableClock extends Clock {

    public volatile Instant now;

    public SettableClock(String start) {
        this.now = Instant.parse(start);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }
}
