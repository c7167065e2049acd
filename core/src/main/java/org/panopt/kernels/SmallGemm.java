package org.panopt.kernels;

/**
 * GEMM without packing or threads, for products so small that setting up the blocked path would
 * cost more than the arithmetic; also the two special cases that need no product at all.
 * Arguments are trusted: {@link Gemm} validated them.
 *
 * <p>op(A)[i][p] lives at {@code a[aOff + i·ai + p·ap]} with (ai, ap) = (lda, 1) when A is read
 * as stored and (1, lda) when it is read transposed; likewise for B.
 */
final class SmallGemm {
    private SmallGemm() {}

    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        int ai = transA ? 1 : lda, ap = transA ? lda : 1;
        int bp = transB ? 1 : ldb, bj = transB ? ldb : 1;
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int p = 0, x = aOff + i * ai, y = bOff + j * bj; p < k; p++, x += ap, y += bp) {
                    s += a[x] * b[y];
                }
                c[ci + j] = beta == 0f ? alpha * s : alpha * s + beta * c[ci + j];
            }
        }
    }

    static void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                      double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                      double beta, double[] c, int cOff, int ldc) {
        int ai = transA ? 1 : lda, ap = transA ? lda : 1;
        int bp = transB ? 1 : ldb, bj = transB ? ldb : 1;
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                double s = 0.0;
                for (int p = 0, x = aOff + i * ai, y = bOff + j * bj; p < k; p++, x += ap, y += bp) {
                    s += a[x] * b[y];
                }
                c[ci + j] = beta == 0.0 ? alpha * s : alpha * s + beta * c[ci + j];
            }
        }
    }

    /** C ← β·C, writing zeros (not β·NaN) when β = 0: the result of α = 0 or k = 0. */
    static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        if (beta == 1f) return;
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0f) java.util.Arrays.fill(c, ci, ci + n, 0f);
            else for (int j = ci; j < ci + n; j++) c[j] *= beta;
        }
    }

    /** C ← β·C, writing zeros (not β·NaN) when β = 0: the result of α = 0 or k = 0. */
    static void scale(int m, int n, double beta, double[] c, int cOff, int ldc) {
        if (beta == 1.0) return;
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0.0) java.util.Arrays.fill(c, ci, ci + n, 0.0);
            else for (int j = ci; j < ci + n; j++) c[j] *= beta;
        }
    }
}
