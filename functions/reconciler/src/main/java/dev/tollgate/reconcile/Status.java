package dev.tollgate.reconcile;

import java.util.Locale;

/** The verdict on one provider-day (or provider-day-model) comparison. */
public enum Status {
    /** Billed and metered agree within the tolerance. */
    MATCHED,
    /** They differ by more than the tolerance, and the billing data is final enough to say so. */
    DRIFT,
    /** The day is past the lag window, the ledger has traffic, and the provider returned no data for it. */
    MISSING_DATA,
    /** The day is recent and the provider has not (fully) reported it yet: not a verdict, try again later. */
    PROVIDER_LAG,
    /** The provider has no billing API Tollgate reads (or none is configured): the ledger's figures alone. */
    LEDGER_ONLY,
    /** The billing API could not be read this run; nothing is written for it, the previous record stays. */
    ERROR;

    /** The lower-case name used in records, reports and metrics. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the billing data behind this verdict is final: only these are trued up and alarmed on. */
    public boolean finalVerdict() {
        return this == MATCHED || this == DRIFT;
    }
}
