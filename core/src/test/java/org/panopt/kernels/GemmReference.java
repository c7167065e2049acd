package org.panopt.kernels;

/**
 * The textbook triple loop, accumulating in double: the truth the GEMM kernels are tested against.
 * Also the rounding budget each element of a float or double result may use.
 */
final class GemmReference {
    private GemmReference() {}

    /** A row-major matrix view: element (i, j) is {@code data[off + i·ld + j]}. */
    record View(double[] data, int off, int ld) {
        double get(int i, int j) {
            return data[off + i * ld + j];
        }
    }

    /** Σ_p op(A)[i][p]·op(B)[p][j] and Σ_p |op(A)[i][p]·op(B)[p][j]| for one element. */
    static double[] dot(boolean transA, boolean transB, int i, int j, int k, View a, View b) {
        double s = 0, abs = 0;
        for (int p = 0; p < k; p++) {
            double x = transA ? a.get(p, i) : a.get(i, p);
            double y = transB ? b.get(j, p) : b.get(p, j);
            s += x * y;
            abs += Math.abs(x * y);
        }
        return new double[] {s, abs};
    }

    /**
     * The rounding an element of α·op(A)op(B) + β·C may carry in a type with unit roundoff
     * {@code eps}: a few ε·√k of |α|·Σ|a·b| (summation error grows like √k for random signs), plus a
     * few ε of |β·C|, plus a hair for exact zeros.
     */
    static double tolerance(double eps, int k, double alpha, double absDot, double betaC) {
        return 8 * eps * (Math.sqrt(k) + 1) * Math.abs(alpha) * absDot + 4 * eps * Math.abs(betaC) + 1e-300;
    }
}
