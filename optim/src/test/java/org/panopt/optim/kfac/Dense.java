package org.panopt.optim.kfac;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * Dense float64 references for the K-FAC tests: Kronecker products and the column-stacking vec of the paper
 * (vec(X) stacks X's columns: element (r, c) of an R×C matrix lands at c·R + r), built entry by entry.
 */
final class Dense {
    private Dense() {}

    static double[][] of(Tensor t) {
        int r = t.dim(0);
        int c = t.dim(1);
        double[] d = t.toDoubleArray();
        double[][] out = new double[r][c];
        for (int i = 0; i < r; i++) System.arraycopy(d, i * c, out[i], 0, c);
        return out;
    }

    static Tensor tensor(double[][] m) {
        int r = m.length;
        int c = m[0].length;
        double[] d = new double[r * c];
        for (int i = 0; i < r; i++) System.arraycopy(m[i], 0, d, i * c, c);
        return Tensor.of(d, r, c);
    }

    /** A ⊗ B: block (i, j) is A_ij·B. */
    static double[][] kron(double[][] a, double[][] b) {
        int ar = a.length, ac = a[0].length, br = b.length, bc = b[0].length;
        double[][] out = new double[ar * br][ac * bc];
        for (int i = 0; i < ar; i++)
            for (int j = 0; j < ac; j++)
                for (int k = 0; k < br; k++)
                    for (int l = 0; l < bc; l++) out[i * br + k][j * bc + l] = a[i][j] * b[k][l];
        return out;
    }

    /** Column-stacking vec. */
    static double[] vec(double[][] x) {
        int r = x.length, c = x[0].length;
        double[] out = new double[r * c];
        for (int j = 0; j < c; j++) for (int i = 0; i < r; i++) out[j * r + i] = x[i][j];
        return out;
    }

    /** The inverse of vec for an r×c matrix. */
    static double[][] unvec(double[] v, int r, int c) {
        double[][] out = new double[r][c];
        for (int j = 0; j < c; j++) for (int i = 0; i < r; i++) out[i][j] = v[j * r + i];
        return out;
    }

    static double[] mul(double[][] m, double[] v) {
        double[] out = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            double s = 0;
            for (int j = 0; j < v.length; j++) s += m[i][j] * v[j];
            out[i] = s;
        }
        return out;
    }

    static double[][] mul(double[][] a, double[][] b) {
        double[][] out = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++)
            for (int k = 0; k < b.length; k++)
                for (int j = 0; j < b[0].length; j++) out[i][j] += a[i][k] * b[k][j];
        return out;
    }

    static double[][] transpose(double[][] a) {
        double[][] out = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) for (int j = 0; j < a[0].length; j++) out[j][i] = a[i][j];
        return out;
    }

    static double[][] add(double[][] a, double[][] b, double beta) {
        double[][] out = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) for (int j = 0; j < a[0].length; j++) out[i][j] = a[i][j] + beta * b[i][j];
        return out;
    }

    static double[][] identity(int n) {
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) out[i][i] = 1;
        return out;
    }

    static double[][] inverse(double[][] a) {
        DMatrixRMaj m = new DMatrixRMaj(a);
        if (!CommonOps_DDRM.invert(m)) throw new ArithmeticException("singular");
        double[][] out = new double[a.length][a.length];
        for (int i = 0; i < a.length; i++) for (int j = 0; j < a.length; j++) out[i][j] = m.get(i, j);
        return out;
    }

    /** Solves A x = b. */
    static double[] solve(double[][] a, double[] b) {
        return mul(inverse(a), b);
    }

    /** A random symmetric positive definite n×n matrix: XᵀX/k + shift·I from k Gaussian rows. */
    static double[][] randomSpd(int n, int k, double shift, SplittableRandom rng) {
        double[][] x = of(Tensor.randn(rng, DType.FLOAT64, k, n));
        double[][] out = mul(transpose(x), x);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) out[i][j] /= k;
            out[i][i] += shift;
        }
        return out;
    }

    static double maxAbsDiff(double[][] a, double[][] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) for (int j = 0; j < a[0].length; j++) m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
        return m;
    }

    static double maxAbsDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    static double maxAbs(double[][] a) {
        double m = 0;
        for (double[] r : a) for (double v : r) m = Math.max(m, Math.abs(v));
        return m;
    }
}
