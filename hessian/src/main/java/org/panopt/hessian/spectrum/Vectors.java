package org.panopt.hessian.spectrum;

import org.panopt.kernels.DoubleMaps;
import org.panopt.kernels.Parallel;

/**
 * Dense-vector helpers in double for the iterative eigensolvers, on core's SIMD kernels (a dot product sums in
 * a fixed lane order, so results do not depend on the JIT). Vectors of curvature operators have as many entries
 * as the network has parameters (millions): the re-orthogonalization of a Lanczos basis is the memory-bound
 * part of the method and is spread over the kernel threads.
 */
final class Vectors {
    private Vectors() {}

    /** Elements per task when a pass over a vector is split over threads (fixed, so sums never depend on the split). */
    private static final int CHUNK = 1 << 15;

    static double dot(double[] a, double[] b) {
        return DoubleMaps.dot(a, 0, b, 0, a.length);
    }

    static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    /** y += α·x. */
    static void axpy(double alpha, double[] x, double[] y) {
        DoubleMaps.axpy(alpha, x, 0, 1, y, 0, y.length);
    }

    static void scale(double alpha, double[] x) {
        for (int i = 0; i < x.length; i++) x[i] *= alpha;
    }

    /**
     * w ← (I − Q Qᵀ) w for the first {@code count} rows of Q (orthonormal), by classical Gram–Schmidt applied
     * twice ("twice is enough", Giraud et al. 2005): one pass leaves components of size ε·‖w‖/‖(I − QQᵀ)w‖.
     * Each pass is c = Qw (one dot product per row, rows spread over the threads) and w −= Qᵀc (chunks of w
     * spread over the threads, each subtracting every row's part in row order).
     */
    static void orthogonalize(double[] w, double[][] q, int count) {
        int n = w.length;
        int chunks = (n + CHUNK - 1) / CHUNK;
        for (int pass = 0; pass < 2; pass++) {
            double[] c = new double[count];
            Parallel.forEach(count, i -> c[i] = dot(q[i], w));
            Parallel.forEach(chunks, t -> {
                int from = t * CHUNK;
                int len = Math.min(n, from + CHUNK) - from;
                for (int i = 0; i < count; i++) DoubleMaps.axpy(-c[i], q[i], from, 1, w, from, len);
            });
        }
    }
}
