package dev.tollgate.reconcile;

import dev.tollgate.reconcile.store.Adjustment;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** What one run found: every line, the true-ups it applied, and whether it wrote anything. */
public record ReconcileReport(String runId, Instant at, LocalDate from, LocalDate to, boolean dryRun,
                              List<Reconciliation> rows, List<Adjustment> adjustments) {

    public ReconcileReport {
        rows = List.copyOf(rows);
        adjustments = List.copyOf(adjustments);
    }

    /** A billing API could not be read: the run must be retried (the Lambda fails the invocation). */
    public boolean hasErrors() {
        return rows.stream().anyMatch(r -> r.status() == Status.ERROR);
    }

    public long count(Status status) {
        return rows.stream().filter(r -> r.isTotal() && r.status() == status).count();
    }
}
