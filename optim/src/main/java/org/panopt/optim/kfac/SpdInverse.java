package org.panopt.optim.kfac;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.decomposition.TriangularSolver_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;
import org.panopt.kernels.Gemm;

/**
 * The inverse of a symmetric positive definite float64 matrix, in place, with the O(n³) work in the SIMD GEMM:
 * recursive 2×2 blocking on Schur complements. With M = [A B; Bᵀ C] (A of size k = ⌊n/2⌋), T = A⁻¹B and
 * S = C − BᵀT (positive definite when M is),
 * <pre>
 *   M⁻¹ = [ A⁻¹ + T S⁻¹ Tᵀ   −T S⁻¹ ]
 *         [ −S⁻¹ Tᵀ           S⁻¹    ]
 * </pre>
 * Per level: T (one GEMM), S and the top-left block (symmetric, {@link SymmetricProduct}: half a GEMM each) and
 * −TS⁻¹ (one GEMM), about ½n³ multiply-adds in all instead of the ⅔n³ of four full products. Blocks of at most
 * {@link #BASE} rows are inverted by Cholesky, M = LLᵀ (EJML's decomposition and triangular inverse),
 * M⁻¹ = L⁻ᵀL⁻¹.
 *
 * <p>Failure is reported, not thrown: {@link #invert} returns false when a Cholesky pivot L_jj² of any base
 * block — of M itself or of a Schur complement — is not above {@link DenseSymmetric#MIN_PIVOT} times
 * {@code scale} (the largest diagonal entry of the whole matrix, so that a rank-deficient matrix cannot pass
 * as a tiny positive complement) or is not finite; the array then holds garbage. The result is exactly
 * symmetric (upper triangles are copied from lower ones).
 */
final class SpdInverse {
    private SpdInverse() {}

    /** Blocks up to this size are inverted by Cholesky directly. */
    static final int BASE = 64;

    /**
     * Replaces the n×n SPD matrix {@code m} (row-major, leading dimension n) by its inverse.
     *
     * @param scale pivots are judged against {@code DenseSymmetric.MIN_PIVOT · scale}
     * @return false when the matrix is not numerically positive definite (the contents are then undefined)
     */
    static boolean invert(double[] m, int n, double scale) {
        return invert(m, 0, n, n, DenseSymmetric.MIN_PIVOT * scale, new double[BASE * BASE]);
    }

    private static boolean invert(double[] x, int off, int ld, int n, double minPivot, double[] scratch) {
        if (n <= BASE) return choleskyInverse(x, off, ld, n, minPivot, scratch);
        int k = n / 2;
        int r = n - k;
        int a = off;
        int b = off + k;
        int c = off + k * ld + k;
        int bt = off + k * ld;
        if (!invert(x, a, ld, k, minPivot, scratch)) return false;
        double[] t = new double[k * r];
        Gemm.dgemm(false, false, k, r, k, 1, x, a, ld, x, b, ld, 0, t, 0, r);                   // T = A⁻¹B
        SymmetricProduct.product(true, false, r, k, -1, x, b, ld, t, 0, r, 1, x, c, ld);        // S = C − BᵀT
        if (!invert(x, c, ld, r, minPivot, scratch)) return false;
        Gemm.dgemm(false, false, k, r, r, -1, t, 0, r, x, c, ld, 0, x, b, ld);                  // X12 = −TS⁻¹
        SymmetricProduct.product(false, true, k, r, -1, x, b, ld, t, 0, r, 1, x, a, ld);        // X11 = A⁻¹ − X12·Tᵀ
        SymmetricProduct.transposeBlock(x, b, bt, ld, k, r);                                     // X21 = X12ᵀ
        return true;
    }

    /**
     * Replaces the n×n SPD matrix {@code m} by W = L⁻¹, the inverse of its Cholesky factor (M = LLᵀ, so
     * WMWᵀ = I): lower triangular, zeros above the diagonal. The same recursion: with L₁₁⁻¹ = W₁₁ from the
     * top-left block, L₂₁ = A₂₁W₁₁ᵀ, S = A₂₂ − L₂₁L₂₁ᵀ and W₂₂ from S, W₂₁ = −W₂₂L₂₁W₁₁. Pivots are judged as in
     * {@link #invert}.
     *
     * @return false when the matrix is not numerically positive definite (the contents are then undefined)
     */
    static boolean inverseCholeskyFactor(double[] m, int n, double scale) {
        return inverseFactor(m, 0, n, n, DenseSymmetric.MIN_PIVOT * scale, new double[BASE * BASE]);
    }

    private static boolean inverseFactor(double[] x, int off, int ld, int n, double minPivot, double[] scratch) {
        if (n <= BASE) {
            if (!cholesky(x, off, ld, n, minPivot, scratch)) return false;
            TriangularSolver_DDRM.invertLower(scratch, n);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) x[off + i * ld + j] = j <= i ? scratch[i * n + j] : 0;
            }
            return true;
        }
        int k = n / 2;
        int r = n - k;
        int a = off;
        int b = off + k;
        int bt = off + k * ld;
        int c = off + k * ld + k;
        if (!inverseFactor(x, a, ld, k, minPivot, scratch)) return false;
        double[] l21 = new double[r * k];
        Gemm.dgemm(false, true, r, k, k, 1, x, bt, ld, x, a, ld, 0, l21, 0, k);                 // L21 = A21·W11ᵀ
        SymmetricProduct.product(false, true, r, k, -1, l21, 0, k, l21, 0, k, 1, x, c, ld);     // S = A22 − L21·L21ᵀ
        if (!inverseFactor(x, c, ld, r, minPivot, scratch)) return false;
        double[] u = new double[r * k];
        Gemm.dgemm(false, false, r, k, k, 1, l21, 0, k, x, a, ld, 0, u, 0, k);                  // L21·W11
        Gemm.dgemm(false, false, r, k, r, -1, x, c, ld, u, 0, k, 0, x, bt, ld);                 // W21 = −W22·L21·W11
        for (int i = 0; i < k; i++) java.util.Arrays.fill(x, b + i * ld, b + i * ld + r, 0);    // above the diagonal
        return true;
    }

    /**
     * Cholesky factor L of the n×n block at {@code off} into {@code l} (row-major n×n, lower triangle, zeros
     * above), by EJML; false when EJML refuses the block or a pivot L_jj² is not above {@code minPivot} (or not
     * finite).
     */
    private static boolean cholesky(double[] x, int off, int ld, int n, double minPivot, double[] l) {
        DMatrixRMaj block = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++) System.arraycopy(x, off + i * ld, block.data, i * n, n);
        CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(n, true);
        if (!chol.decompose(block)) return false;
        DMatrixRMaj lower = chol.getT(null);
        for (int j = 0; j < n; j++) {
            double pivot = lower.data[j * n + j] * lower.data[j * n + j];
            if (!(pivot > minPivot) || !Double.isFinite(pivot)) return false;
        }
        System.arraycopy(lower.data, 0, l, 0, n * n);
        return true;
    }

    /**
     * The n×n block at {@code off} (n ≤ {@link #BASE}) ← its inverse through Cholesky: L (lower, row-major in
     * {@code l}), then L⁻¹ over it, then (L⁻ᵀL⁻¹)_ij = Σ_{p ≥ max(i,j)} L⁻¹_pi L⁻¹_pj.
     */
    private static boolean choleskyInverse(double[] x, int off, int ld, int n, double minPivot, double[] l) {
        if (!cholesky(x, off, ld, n, minPivot, l)) return false;
        TriangularSolver_DDRM.invertLower(l, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int p = i; p < n; p++) s += l[p * n + i] * l[p * n + j];
                if (!Double.isFinite(s)) return false;
                x[off + i * ld + j] = s;
                x[off + j * ld + i] = s;
            }
        }
        return true;
    }
}
