package dev.tollgate.metrics;

/** Where per-request metrics go: CloudWatch EMF in Lambda, nowhere by default (local runs, tests). */
@FunctionalInterface
public interface Metrics {

    Metrics NONE = outcome -> {
    };

    /** Called once per request, when its outcome is known. */
    void request(RequestOutcome outcome);
}
