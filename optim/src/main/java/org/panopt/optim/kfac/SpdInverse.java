package org.panopt.optim.kfac;

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
 * {@link #BASE} rows are inverted by Cholesky, M = LLᵀ, M⁻¹ = L⁻ᵀL⁻¹, in plain loops.
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
            invertLower(scratch, n);
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

    /** Cholesky factor L of the n×n block at {@code off} into {@code l} (row-major n×n, lower triangle); false on a bad pivot. */
    private static boolean cholesky(double[] x, int off, int ld, int n, double minPivot, double[] l) {
        for (int i = 0; i < n; i++) {
            int xi = off + i * ld;
            int li = i * n;
            for (int j = 0; j <= i; j++) {
                int lj = j * n;
                double s = x[xi + j];
                for (int p = 0; p < j; p++) s -= l[li + p] * l[lj + p];
                if (j < i) {
                    l[li + j] = s / l[lj + j];
                } else {
                    if (!(s > minPivot) || !Double.isFinite(s)) return false;
                    l[li + i] = Math.sqrt(s);
                }
            }
        }
        return true;
    }

    /**
     * L⁻¹ in place (lower triangle of the row-major n×n {@code l}), column by column: (L⁻¹)_jj = 1/L_jj,
     * (L⁻¹)_ij = −(Σ_{j≤p<i} L_ip (L⁻¹)_pj)/L_ii. Column j needs L_ip only for p ≥ j and L_ii for i > j, which
     * columns &lt; j never overwrote.
     */
    private static void invertLower(double[] l, int n) {
        for (int j = 0; j < n; j++) {
            l[j * n + j] = 1 / l[j * n + j];
            for (int i = j + 1; i < n; i++) {
                double s = 0;
                for (int p = j; p < i; p++) s += l[i * n + p] * l[p * n + j];
                l[i * n + j] = -s / l[i * n + i];
            }
        }
    }

    /**
     * The n×n block at {@code off} (n ≤ {@link #BASE}) ← its inverse through Cholesky: L (lower, row-major in
     * {@code l}), then L⁻¹ over it, then (L⁻ᵀL⁻¹)_ij = Σ_{p ≥ max(i,j)} L⁻¹_pi L⁻¹_pj.
     */
    private static boolean choleskyInverse(double[] x, int off, int ld, int n, double minPivot, double[] l) {
        if (!cholesky(x, off, ld, n, minPivot, l)) return false;
        invertLower(l, n);
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
