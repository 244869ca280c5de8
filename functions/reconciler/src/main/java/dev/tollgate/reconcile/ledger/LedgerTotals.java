package dev.tollgate.reconcile.ledger;

import java.time.LocalDate;
import java.util.Map;

/** The ledger's totals of one UTC day, by provider. */
@FunctionalInterface
public interface LedgerTotals {

    Map<String, LedgerDay> day(LocalDate day);
}
