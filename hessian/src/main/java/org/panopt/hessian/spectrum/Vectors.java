package org.panopt.hessian.spectrum;

/** Small dense-vector helpers in double, for the iterative eigensolvers. */
final class Vectors {
    private Vectors() {}

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    /** y += α·x. */
    static void axpy(double alpha, double[] x, double[] y) {
        for (int i = 0; i < y.length; i++) y[i] += alpha * x[i];
    }

    static void scale(double alpha, double[] x) {
        for (int i = 0; i < x.length; i++) x[i] *= alpha;
    }

    /**
     * w ← (I − Q Qᵀ) w for the first {@code count} rows of Q (orthonormal), by classical Gram–Schmidt applied
     * twice ("twice is enough", Giraud et al. 2005): one pass leaves components of size ε·‖w‖/‖(I − QQᵀ)w‖.
     */
    static void orthogonalize(double[] w, double[][] q, int count) {
        for (int pass = 0; pass < 2; pass++) {
            double[] c = new double[count];
            for (int i = 0; i < count; i++) c[i] = dot(q[i], w);
            for (int i = 0; i < count; i++) axpy(-c[i], q[i], w);
        }
    }
}
