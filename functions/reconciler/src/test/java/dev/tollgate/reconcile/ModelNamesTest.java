package dev.tollgate.reconcile;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ModelNamesTest {

    @Test
    void snapshotsAndAliasesMeetUnderOneName() {
        assertEquals("gpt-4o-mini", ModelNames.canonical("gpt-4o-mini-2024-07-18"));
        assertEquals("gpt-4o-mini", ModelNames.canonical("gpt-4o-mini"));
        assertEquals("claude-sonnet-4-5", ModelNames.canonical("claude-sonnet-4-5-20250929"));
        assertEquals("claude-3-5-haiku", ModelNames.canonical("claude-3-5-haiku-latest"));
        assertEquals("o1", ModelNames.canonical("O1"));
    }

    @Test
    void versionNumbersThatAreNotDatesStay() {
        assertEquals("gpt-4.1", ModelNames.canonical("gpt-4.1"));
        assertEquals("claude-3-7-sonnet", ModelNames.canonical("claude-3-7-sonnet"));
        assertEquals(ModelNames.UNKNOWN, ModelNames.canonical(null));
    }
}
