package org.panopt.kernels;

/**
 * General matrix multiply on row-major arrays, as BLAS {@code ?gemm} but row-major:
 * <pre>
 *   C[m×n] ← α · op(A)[m×k] · op(B)[k×n] + β · C
 * </pre>
 * with op(X) = X or Xᵀ. Element (i, j) of C is {@code c[cOff + i·ldc + j]}. A is stored m×k
 * ({@code a[aOff + i·lda + p]}) when {@code transA} is false and k×m ({@code a[aOff + p·lda + i]})
 * when it is true; B likewise k×n or n×k. Leading dimensions may exceed the row length, so any of
 * the three may be a view into a larger matrix; C's elements outside the view are never written.
 *
 * <p>As in BLAS, β = 0 overwrites C without reading it (NaNs there do not propagate), and α = 0 or
 * k = 0 leaves C ← β·C without reading A or B.
 *
 * <p>Arguments are checked once here; the kernels below trust them. Large products are packed and
 * cache-blocked ({@link BlockedGemm}) and split over {@link Parallel#threads()} threads; tiny ones
 * take a direct loop. Results agree with a sequential dot-product to within the usual
 * O(√k·ε·|A||B|) rounding; they do not depend on the number of threads, since each element of C
 * is always summed by one thread in the same k-order.
 */
public final class Gemm {
    /** At or below this many multiply-adds packing costs more than the product. */
    static final long SMALL_FMAS = 4096;

    private Gemm() {}

    /** Single-precision row-major GEMM; see the class comment for the contract. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        check("sgemm", transA, transB, m, n, k, a == null ? -1 : a.length, aOff, lda,
                b == null ? -1 : b.length, bOff, ldb, c == null ? -1 : c.length, cOff, ldc);
        sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, Parallel.threads());
    }

    /** Double-precision row-major GEMM; see the class comment for the contract. */
    public static void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                             double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                             double beta, double[] c, int cOff, int ldc) {
        check("dgemm", transA, transB, m, n, k, a == null ? -1 : a.length, aOff, lda,
                b == null ? -1 : b.length, bOff, ldb, c == null ? -1 : c.length, cOff, ldc);
        dgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, Parallel.threads());
    }

    /** Unchecked sgemm on at most {@code maxThreads} threads. */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc, int maxThreads) {
        if (m == 0 || n == 0) return;
        if (alpha == 0f || k == 0) {
            SmallGemm.scale(m, n, beta, c, cOff, ldc);
        } else if ((long) m * n * k <= SMALL_FMAS) {
            SmallGemm.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            new SgemmBlocked(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc)
                    .run(maxThreads);
        }
    }

    /** Unchecked dgemm on at most {@code maxThreads} threads. */
    static void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                      double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                      double beta, double[] c, int cOff, int ldc, int maxThreads) {
        if (m == 0 || n == 0) return;
        if (alpha == 0.0 || k == 0) {
            SmallGemm.scale(m, n, beta, c, cOff, ldc);
        } else if ((long) m * n * k <= SMALL_FMAS) {
            SmallGemm.dgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            new DgemmBlocked(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc)
                    .run(maxThreads);
        }
    }

    /** Validates dimensions, offsets, leading dimensions and array extents; length -1 means null. */
    private static void check(String op, boolean transA, boolean transB, int m, int n, int k,
                              int aLen, int aOff, int lda, int bLen, int bOff, int ldb,
                              int cLen, int cOff, int ldc) {
        if (m < 0) throw new IllegalArgumentException(op + ": m=" + m + " < 0");
        if (n < 0) throw new IllegalArgumentException(op + ": n=" + n + " < 0");
        if (k < 0) throw new IllegalArgumentException(op + ": k=" + k + " < 0");
        // Stored shapes: A is m×k, or k×m when transposed; B is k×n, or n×k when transposed.
        checkMatrix(op, "A", "a", transA, transA ? k : m, transA ? "k" : "m", transA ? m : k, transA ? "m" : "k",
                aLen, aOff, lda);
        checkMatrix(op, "B", "b", transB, transB ? n : k, transB ? "n" : "k", transB ? k : n, transB ? "k" : "n",
                bLen, bOff, ldb);
        checkMatrix(op, "C", "c", null, m, "m", n, "n", cLen, cOff, ldc);
    }

    private static void checkMatrix(String op, String name, String array, Boolean trans,
                                    int rows, String rowsName, int cols, String colsName,
                                    int length, int off, int ld) {
        String lower = name.toLowerCase();
        String how = trans == null ? "" : trans ? " transposed" : " not transposed";
        if (length < 0) throw new IllegalArgumentException(op + ": " + array + " is null");
        if (off < 0) throw new IllegalArgumentException(op + ": " + lower + "Off=" + off + " < 0");
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException(op + ": ld" + lower + "=" + ld + " < " + colsName + "=" + cols
                    + " for " + name + how);
        }
        if (rows == 0 || cols == 0) return;
        long needed = off + (long) (rows - 1) * ld + cols;
        if (needed > length) {
            throw new IllegalArgumentException(op + ": " + name + how + " is " + rowsName + "×" + colsName + " = "
                    + rows + "×" + cols + " with ld" + lower + "=" + ld + " at " + lower + "Off=" + off
                    + ", which needs " + needed + " elements, but " + array + ".length=" + length);
        }
    }
}
