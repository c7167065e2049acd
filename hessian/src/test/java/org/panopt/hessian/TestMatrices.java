package org.panopt.hessian;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.RandomMatrices_DDRM;

/** Matrices with known spectra, and dense comparisons, shared by the tests. */
public final class TestMatrices {
    private TestMatrices() {}

    /** Q·diag(λ)·Qᵀ with Q Haar-random orthogonal (seeded): a symmetric matrix with exactly the spectrum λ. */
    public static DMatrixRMaj withSpectrum(double[] lambda, long seed) {
        int n = lambda.length;
        DMatrixRMaj q = RandomMatrices_DDRM.orthogonal(n, n, new Random(seed));
        DMatrixRMaj d = CommonOps_DDRM.diag(lambda);
        DMatrixRMaj qd = new DMatrixRMaj(n, n);
        CommonOps_DDRM.mult(q, d, qd);
        DMatrixRMaj a = new DMatrixRMaj(n, n);
        CommonOps_DDRM.multTransB(qd, q, a);
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) {
                double m = 0.5 * (a.get(i, j) + a.get(j, i));
                a.set(i, j, m);
                a.set(j, i, m);
            }
        return a;
    }

    /** The eigenvector matrix used by {@link #withSpectrum} for the same seed: column i belongs to λᵢ. */
    public static DMatrixRMaj eigenvectors(int n, long seed) {
        return RandomMatrices_DDRM.orthogonal(n, n, new Random(seed));
    }

    /** A symmetric Gaussian (GOE-like) matrix (G + Gᵀ)/2. */
    public static DMatrixRMaj randomSymmetric(int n, long seed) {
        DMatrixRMaj g = RandomMatrices_DDRM.rectangleGaussian(n, n, 0, 1, new Random(seed));
        DMatrixRMaj a = new DMatrixRMaj(n, n);
        CommonOps_DDRM.add(0.5, g, 0.5, CommonOps_DDRM.transpose(g, null), a);
        return a;
    }

    /** max |aᵢⱼ|. */
    public static double maxAbs(DMatrixRMaj a) {
        double m = 0;
        for (double x : a.data) m = Math.max(m, Math.abs(x));
        return m;
    }

    /** Asserts max |a − b| ≤ relTol·max|b| (+ a tiny absolute floor), naming the worst entry. */
    public static void assertClose(DMatrixRMaj actual, DMatrixRMaj expected, double relTol, String what) {
        assertThat(actual.numRows).as(what + " rows").isEqualTo(expected.numRows);
        assertThat(actual.numCols).as(what + " cols").isEqualTo(expected.numCols);
        double scale = Math.max(maxAbs(expected), 1e-300);
        double worst = 0;
        int wi = 0;
        int wj = 0;
        for (int i = 0; i < expected.numRows; i++) {
            for (int j = 0; j < expected.numCols; j++) {
                double d = Math.abs(actual.get(i, j) - expected.get(i, j));
                if (d > worst) {
                    worst = d;
                    wi = i;
                    wj = j;
                }
            }
        }
        assertThat(worst / scale).as("%s: worst relative difference at [%d][%d]: %s vs %s", what, wi, wj, actual.get(wi, wj), expected.get(wi, wj))
                .isLessThanOrEqualTo(relTol);
    }

    /** ‖a − b‖_F / ‖b‖_F. */
    public static double relativeFrobenius(DMatrixRMaj a, DMatrixRMaj b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.data.length && i < a.getNumElements(); i++) {
            double d = a.data[i] - b.data[i];
            num += d * d;
            den += b.data[i] * b.data[i];
        }
        return Math.sqrt(num / den);
    }
}
