package dev.tollgate.reconcile;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReconcileCliTest {

    @Test
    void parsesTheOptions() {
        ReconcileCli.Arguments args = ReconcileCli.parse(new String[] {"--from", "2025-11-01", "--to", "2025-11-03",
                "--provider", "openai", "--dry-run", "--json"});
        assertEquals(LocalDate.parse("2025-11-01"), args.from());
        assertEquals(LocalDate.parse("2025-11-03"), args.to());
        assertEquals("openai", args.provider());
        assertTrue(args.dryRun());
        assertTrue(args.json());
    }

    @Test
    void badArgumentsAreUsageErrorsWithExitTwo() {
        assertThrows(IllegalArgumentException.class, () -> ReconcileCli.parse(new String[] {"--from", "yesterday"}));
        assertThrows(IllegalArgumentException.class, () -> ReconcileCli.parse(new String[] {"--to"}));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ReconcileCli.run(new String[] {"--bogus"}, Map.of(), Clock.systemUTC(),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown argument: --bogus"));
    }

    @Test
    void aMissingUsageTableIsAUsageErrorThatSaysWhichVariable() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ReconcileCli.run(new String[] {"--from", "2025-11-01"}, Map.of(), Clock.systemUTC(),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("TOLLGATE_USAGE_TABLE"));
    }
}
