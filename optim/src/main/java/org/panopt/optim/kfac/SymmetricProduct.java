package org.panopt.optim.kfac;

import org.panopt.kernels.Gemm;

/**
 * Products known to be symmetric, C ← α·op(A)·op(B) + β·C with C {@code n×n} (Ā = XᵀX, S = C − BᵀA⁻¹B,
 * A⁻¹ + A⁻¹BS⁻¹BᵀA⁻¹): the SIMD GEMM computes only the block strips on and below the diagonal — about half
 * the multiply-adds — and the upper triangle is then copied from the lower one, so C comes out exactly
 * symmetric. Row-major arrays with offsets and leading dimensions as {@link Gemm}; C's upper triangle is
 * read (for β ≠ 0) only through its mirror, so the input C must be symmetric when β ≠ 0.
 */
final class SymmetricProduct {
    private SymmetricProduct() {}

    /** Rows per strip: each strip is one GEMM call, C[i0:i1, 0:i1]. */
    static final int STRIP = 96;

    /** C ← α·op(A)·op(B) + β·C for a product the caller knows is symmetric (op(A) is n×k, op(B) k×n). */
    static void product(boolean transA, boolean transB, int n, int k, double alpha, double[] a, int aOff, int lda,
                        double[] b, int bOff, int ldb, double beta, double[] c, int cOff, int ldc) {
        for (int i0 = 0; i0 < n; i0 += STRIP) {
            int rows = Math.min(STRIP, n - i0);
            int cols = i0 + rows;
            // Rows i0..i0+rows of op(A) against columns 0..cols of op(B).
            int ai = transA ? aOff + i0 : aOff + i0 * lda;
            Gemm.dgemm(transA, transB, rows, cols, k, alpha, a, ai, lda, b, bOff, ldb, beta, c, cOff + i0 * ldc, ldc);
        }
        mirrorLower(c, cOff, ldc, n);
    }

    /** Copies the strict lower triangle of the n×n matrix at {@code off} onto its upper triangle, in cache tiles. */
    static void mirrorLower(double[] c, int off, int ld, int n) {
        final int tile = 64;
        for (int j0 = 0; j0 < n; j0 += tile) {
            int j1 = Math.min(n, j0 + tile);
            for (int i0 = j0; i0 < n; i0 += tile) {
                int i1 = Math.min(n, i0 + tile);
                for (int i = i0; i < i1; i++) {
                    int jEnd = Math.min(j1, i);
                    int row = off + i * ld;
                    for (int j = j0; j < jEnd; j++) c[off + j * ld + i] = c[row + j];
                }
            }
        }
    }

    /** Writes the transpose of the r×c block at {@code src} into the c×r block at {@code dst} (both in {@code x}, not overlapping). */
    static void transposeBlock(double[] x, int src, int dst, int ld, int r, int c) {
        final int tile = 64;
        for (int i0 = 0; i0 < r; i0 += tile) {
            int i1 = Math.min(r, i0 + tile);
            for (int j0 = 0; j0 < c; j0 += tile) {
                int j1 = Math.min(c, j0 + tile);
                for (int i = i0; i < i1; i++) {
                    for (int j = j0; j < j1; j++) x[dst + j * ld + i] = x[src + i * ld + j];
                }
            }
        }
    }
}
