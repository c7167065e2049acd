package org.panopt.backend;

import java.util.concurrent.atomic.LongAdder;

/**
 * Kernel-time accounting for the CPU backend: while {@linkplain #enable() enabled}, every primitive the
 * {@link CpuBackend} runs is timed (wall clock, on the calling thread, so a multi-threaded GEMM counts once for
 * its elapsed time) and counted by {@link Category}. What a training step spends outside these primitives is
 * the framework's own overhead: recording and walking the autograd graph, shape checks and broadcasting plans,
 * Java object allocation, hooks, garbage collection.
 *
 * <p>Off by default, and then free: {@link Backends#of} hands out the bare backend. Enabled, each primitive pays
 * two {@link System#nanoTime()} calls (tens of nanoseconds), small beside kernels of microseconds and more. The
 * switch and the totals are global to the JVM; benchmarks enable it for a measured region only (the bench
 * module's {@code KernelTimeProfiler}).
 */
public final class KernelTiming {

    /** Groups of backend primitives. */
    public enum Category {
        /** {@code matmul}: the GEMMs of linear and convolution layers, forward and backward. */
        GEMM,
        /** {@code im2col}, {@code col2im}: the data movement that lowers a convolution to GEMMs. */
        CONVOLUTION,
        /** Max and average pooling, forward and backward. */
        POOLING,
        /** {@code unary}, {@code binary}, {@code where}, {@code axpy}: activations, bias additions, gradients of both, updates. */
        ELEMENTWISE,
        /** {@code reduce}, {@code argReduce}, {@code softmax}, {@code logSumExp}: sums over batches, losses. */
        REDUCTION,
        /** {@code allocate} (zero-filled), {@code fromHost}, {@code toHost}, {@code fill}, {@code copy}, {@code permute}, {@code copyBlocks}. */
        MEMORY
    }

    private static final Category[] CATEGORIES = Category.values();
    private static final LongAdder[] NANOS = adders();
    private static final LongAdder[] CALLS = adders();
    private static volatile boolean enabled;

    private KernelTiming() {}

    /** Starts timing every CPU-backend primitive (tensor ops begun from now on). */
    public static void enable() {
        enabled = true;
    }

    /** Stops timing; the totals stay until {@link #reset()}. */
    public static void disable() {
        enabled = false;
    }

    public static boolean isEnabled() {
        return enabled;
    }

    /** Sets every total to zero. */
    public static void reset() {
        for (int i = 0; i < CATEGORIES.length; i++) {
            NANOS[i].reset();
            CALLS[i].reset();
        }
    }

    /** The totals so far, per category. */
    public static Snapshot snapshot() {
        long[] nanos = new long[CATEGORIES.length];
        long[] calls = new long[CATEGORIES.length];
        for (int i = 0; i < CATEGORIES.length; i++) {
            nanos[i] = NANOS[i].sum();
            calls[i] = CALLS[i].sum();
        }
        return new Snapshot(nanos, calls);
    }

    static void add(Category c, long nanos) {
        NANOS[c.ordinal()].add(nanos);
        CALLS[c.ordinal()].increment();
    }

    /** Nanoseconds and calls per category, indexed by {@link Category#ordinal()}. */
    public record Snapshot(long[] nanos, long[] calls) {
        public long nanos(Category c) {
            return nanos[c.ordinal()];
        }

        public long calls(Category c) {
            return calls[c.ordinal()];
        }

        /** Nanoseconds in all primitives together. */
        public long totalNanos() {
            long t = 0;
            for (long n : nanos) t += n;
            return t;
        }

        /** This snapshot minus an earlier one: what happened in between. */
        public Snapshot minus(Snapshot earlier) {
            long[] n = nanos.clone();
            long[] c = calls.clone();
            for (int i = 0; i < n.length; i++) {
                n[i] -= earlier.nanos[i];
                c[i] -= earlier.calls[i];
            }
            return new Snapshot(n, c);
        }
    }

    private static LongAdder[] adders() {
        LongAdder[] a = new LongAdder[Category.values().length];
        for (int i = 0; i < a.length; i++) a[i] = new LongAdder();
        return a;
    }
}
