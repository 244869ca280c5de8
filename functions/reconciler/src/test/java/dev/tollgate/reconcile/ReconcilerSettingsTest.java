package dev.tollgate.reconcile;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReconcilerSettingsTest {

    @Test
    void defaults() {
        ReconcilerSettings settings = ReconcilerSettings.from(Map.of("TOLLGATE_USAGE_TABLE", "usage"));
        assertEquals(3, settings.lookbackDays());
        assertEquals(Duration.ofHours(24), settings.lag());
        assertEquals(new Tolerance(BigDecimal.ONE, 10_000_000), settings.tolerance());
        assertFalse(settings.trueUp());
        assertArrayEquals(new LocalDate[] {LocalDate.parse("2025-11-17"), LocalDate.parse("2025-11-19")},
                settings.defaultRange(LocalDate.parse("2025-11-20")), "the lookback days before today, today excluded");
    }

    @Test
    void overridesAndTheirChecks() {
        ReconcilerSettings settings = ReconcilerSettings.from(Map.of("TOLLGATE_USAGE_TABLE", "usage",
                "TOLLGATE_BUDGETS_TABLE", "budgets", "TOLLGATE_RECONCILE_TRUE_UP", "true",
                "TOLLGATE_RECONCILE_LOOKBACK_DAYS", "7", "TOLLGATE_RECONCILE_OPENAI_PROJECTS", "proj_a, proj_b"));
        assertTrue(settings.trueUp());
        assertEquals(7, settings.lookbackDays());
        assertEquals(List.of("proj_a", "proj_b"), settings.openAiProjects());
        IllegalArgumentException noBudgets = assertThrows(IllegalArgumentException.class, () -> ReconcilerSettings
                .from(Map.of("TOLLGATE_USAGE_TABLE", "usage", "TOLLGATE_RECONCILE_TRUE_UP", "true")));
        assertTrue(noBudgets.getMessage().contains("TOLLGATE_BUDGETS_TABLE"));
        assertThrows(IllegalArgumentException.class, () -> ReconcilerSettings
                .from(Map.of("TOLLGATE_USAGE_TABLE", "usage", "TOLLGATE_RECONCILE_TOLERANCE_PCT", "-1")));
    }
}
