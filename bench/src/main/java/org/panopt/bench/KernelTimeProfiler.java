package org.panopt.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;
import org.openjdk.jmh.runner.IterationType;
import org.panopt.backend.KernelTiming;
import org.panopt.backend.KernelTiming.Category;

/**
 * A JMH profiler that switches on panopt's {@link KernelTiming} for each measurement iteration and reports where
 * the iteration's wall time went, in percent:
 * <ul>
 * <li>{@code ·kernel.gemm}: inside GEMMs (every matmul of the linear and convolution layers, forward and backward);</li>
 * <li>{@code ·kernel.conv+pool}: im2col/col2im (lowering convolutions to GEMMs) and pooling;</li>
 * <li>{@code ·kernel.elementwise}, {@code ·kernel.reduction}, {@code ·kernel.memory}: the other backend primitives
 *     (activations and bias additions; sums and softmax; zero-filled allocation, copies, permutes);</li>
 * <li>{@code ·outside.kernels}: everything else — recording and walking the autograd graph, shape checks and
 *     broadcast plans, object allocation, hooks, GC, and JMH's own loop (negligible at these step times).</li>
 * </ul>
 * The single-threaded benchmark loop is what the wall time measures; a parallel kernel counts once, for its
 * elapsed time. Timing costs two {@code System.nanoTime()} calls per primitive, so the primary score of a run
 * with this profiler is a little slower than without.
 *
 * <pre>
 *   ./panopt bench TrainingStepBenchmark -prof org.panopt.bench.KernelTimeProfiler
 * </pre>
 */
public final class KernelTimeProfiler implements InternalProfiler {
    private KernelTiming.Snapshot start;
    private long startNanos;
    private boolean measuring;

    @Override
    public String getDescription() {
        return "share of wall time inside panopt's backend kernels (GEMM, conv, ...) vs outside them";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        measuring = iterationParams.getType() == IterationType.MEASUREMENT;
        if (!measuring) return;
        KernelTiming.enable();
        start = KernelTiming.snapshot();
        startNanos = System.nanoTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
        if (!measuring) return List.of();
        long wall = System.nanoTime() - startNanos;
        KernelTiming.disable();
        KernelTiming.Snapshot d = KernelTiming.snapshot().minus(start);
        List<Result> out = new ArrayList<>();
        out.add(percent("kernel.gemm", d.nanos(Category.GEMM), wall));
        out.add(percent("kernel.conv+pool", d.nanos(Category.CONVOLUTION) + d.nanos(Category.POOLING), wall));
        out.add(percent("kernel.elementwise", d.nanos(Category.ELEMENTWISE), wall));
        out.add(percent("kernel.reduction", d.nanos(Category.REDUCTION), wall));
        out.add(percent("kernel.memory", d.nanos(Category.MEMORY), wall));
        out.add(percent("outside.kernels", wall - d.totalNanos(), wall));
        return out;
    }

    private static Result percent(String label, long nanos, long wall) {
        return new ScalarResult(label, 100.0 * nanos / wall, "%", AggregationPolicy.AVG);
    }
}
