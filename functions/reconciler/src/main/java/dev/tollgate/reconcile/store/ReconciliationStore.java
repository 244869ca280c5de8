package dev.tollgate.reconcile.store;

import dev.tollgate.reconcile.Reconciliation;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** Where reconciliation records live. Writing a provider's day replaces whatever an earlier run wrote for it. */
public interface ReconciliationStore {

    void replaceDay(String provider, LocalDate day, List<Reconciliation> rows, String runId, Instant at);

    /** Writes nothing: a dry run. */
    ReconciliationStore NONE = (provider, day, rows, runId, at) -> {
    };
}
