package dev.tollgate.bench;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of the benchmark threads per operation ({@code -prof dev.tollgate.bench.ThreadCpuProfiler}): unlike the
 * wall-clock score, it does not count the time a thread waited for a core, so it stays meaningful on a machine that
 * other work keeps busy. JIT compilation and GC run on other threads and are not counted.
 */
public final class ThreadCpuProfiler implements InternalProfiler {

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private Map<Long, Long> before = Map.of();

    @Override
    public String getDescription() {
        return "CPU time of the benchmark threads per operation";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        before = workerCpu();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
                                                       IterationParams iterationParams, IterationResult result) {
        Map<Long, Long> after = workerCpu();
        long used = 0;
        for (Map.Entry<Long, Long> thread : after.entrySet()) {
            used += thread.getValue() - before.getOrDefault(thread.getKey(), 0L);
        }
        long ops = result.getMetadata().getMeasuredOps();
        double usPerOp = ops == 0 ? Double.NaN : used / 1000.0 / ops;
        return List.of(new ScalarResult("cpu.time.per.op", usPerOp, "us/op", AggregationPolicy.AVG));
    }

    private Map<Long, Long> workerCpu() {
        Map<Long, Long> cpu = new HashMap<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().contains("jmh-worker")) {
                cpu.put(thread.threadId(), threads.getThreadCpuTime(thread.threadId()));
            }
        }
        return cpu;
    }
}
