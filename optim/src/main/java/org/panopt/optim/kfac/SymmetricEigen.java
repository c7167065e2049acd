package org.panopt.optim.kfac;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.panopt.kernels.Gemm;
import org.panopt.kernels.Parallel;

/**
 * The symmetric eigen-decomposition A = X diag(λ) Xᵀ of a float64 matrix, in the classical three stages, with
 * the inner loops on the Vector API and split over {@link Parallel}'s threads:
 * <ol>
 * <li>Householder tridiagonalization QᵀAQ = T (LAPACK {@code dsytd2}, lower triangle only): per column j the
 *     reflector H_j = I − τ_j v_j v_jᵀ, p = τ_j B v_j and B ← B − v qᵀ − q vᵀ with q = p − ½τ_j(pᵀv_j)v_j on the
 *     trailing block B, both as row sweeps over B's lower triangle (symmetric matrix–vector product by a row
 *     dot plus a row axpy);</li>
 * <li>the implicit QL algorithm with Wilkinson-type shifts on T (EISPACK {@code tql2}, as JAMA), its plane
 *     rotations applied to the eigenvector matrix held transposed, Zᵀ (eigenvectors as rows), so that each
 *     rotation mixes two contiguous rows — in one wavefront sweep per QL iteration: every column chunk is
 *     carried down the rows once through all the iteration's rotations;</li>
 * <li>back-transformation Xᵀ = Zᵀ H_{n−3} ⋯ H_0 in compact-WY blocks of reflectors on the SIMD GEMM.</li>
 * </ol>
 * About 4/3·n³ flops of memory-bound BLAS-2 work, ≈ 6n³ of rotations and 2n³ of reflections (in GEMMs): no
 * faster asymptotically than EJML's {@code SymmetricQRAlgorithmDecomposition_DDRM}, but vectorized and free of
 * per-element bounds checks. Every split over threads either partitions independent elements (rows of the
 * rank-2 update, columns of the rotations) or sums fixed row ranges in order (the symmetric product), so the
 * result does not depend on the number of threads.
 */
final class SymmetricEigen {
    private SymmetricEigen() {}

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Per-call work below which a stage runs on the calling thread alone (element operations). */
    static final long PARALLEL_WORK = 1L << 17;

    /** Iterations allowed per eigenvalue before the QL algorithm is declared not to converge. */
    static final int MAX_ITERATIONS = 60;

    /**
     * Eigenvalues (in no particular order) and eigenvectors: row k of {@code vectors} (n×n, row-major) is the
     * unit eigenvector of {@code values[k]}.
     */
    record Result(double[] values, double[] vectors) {}

    /**
     * The eigen-decomposition of the symmetric n×n matrix {@code a} (row-major; only its lower triangle is
     * read; not modified), or null when an entry is not finite or the QL iteration does not converge.
     */
    static Result decompose(double[] a, int n) {
        for (int i = 0; i < n; i++) for (int j = 0; j <= i; j++) if (!Double.isFinite(a[i * n + j])) return null;
        double[] w = a.clone();
        double[] d = new double[n];
        double[] e = new double[n];
        double[] reflectors = new double[n * n];
        double[] tau = new double[n];
        tridiagonalize(w, n, d, e, reflectors, tau);
        double[] zt = w; // reuse: Zᵀ starts as the identity
        java.util.Arrays.fill(zt, 0);
        for (int i = 0; i < n; i++) zt[i * n + i] = 1;
        if (!ql(d, e, zt, n)) return null;
        backTransform(zt, n, reflectors, tau);
        return new Result(d, zt);
    }

    // ------------------------------------------------------------------ 1. tridiagonalization

    /**
     * Reduces the lower triangle of {@code w} to tridiagonal form: diagonal {@code d}, off-diagonal {@code e}
     * (e[i] couples i and i+1, e[n−1] = 0); reflector j is stored in row j of {@code reflectors} at columns
     * j+1…n−1 (its first entry 1), with τ_j in {@code tau} (0: no reflection).
     */
    static void tridiagonalize(double[] w, int n, double[] d, double[] e, double[] reflectors, double[] tau) {
        double[] v = new double[n];
        double[] p = new double[n];
        double[] q = new double[n];
        double[][] partial = new double[MAX_PARTS][n];
        for (int j = 0; j + 2 < n; j++) {
            int t = j + 1;
            int m = n - t;
            d[j] = w[j * n + j];
            double alpha = w[t * n + j];
            double big = 0;
            for (int i = 1; i < m; i++) big = Math.max(big, Math.abs(w[(t + i) * n + j]));
            if (big == 0) {
                tau[j] = 0;
                e[j] = alpha;
                continue;
            }
            double sum = 0;
            for (int i = 1; i < m; i++) {
                double x = w[(t + i) * n + j] / big;
                sum += x * x;
            }
            double xnorm = big * Math.sqrt(sum);
            double beta = -Math.copySign(Math.hypot(alpha, xnorm), alpha);
            double tj = (beta - alpha) / beta;
            double scale = 1 / (alpha - beta);
            v[0] = 1;
            for (int i = 1; i < m; i++) v[i] = w[(t + i) * n + j] * scale;
            tau[j] = tj;
            e[j] = beta;
            System.arraycopy(v, 0, reflectors, j * n + t, m);
            symmetricProductLower(w, n, t, m, v, p, partial);
            double pv = 0;
            for (int i = 0; i < m; i++) {
                p[i] *= tj;
                pv += p[i] * v[i];
            }
            double k = -0.5 * tj * pv;
            for (int i = 0; i < m; i++) q[i] = p[i] + k * v[i];
            rank2UpdateLower(w, n, t, m, v, q);
        }
        if (n >= 2) {
            d[n - 2] = w[(n - 2) * n + n - 2];
            e[n - 2] = w[(n - 1) * n + n - 2];
        }
        d[n - 1] = w[(n - 1) * n + n - 1];
        e[n - 1] = 0;
    }

    /** First row of each of {@code parts} row ranges of an m-row lower triangle, balanced by area (i²/2). */
    private static int[] triangleSplit(int m, int parts) {
        int[] at = new int[parts + 1];
        for (int s = 1; s < parts; s++) at[s] = (int) Math.round(m * Math.sqrt((double) s / parts));
        at[parts] = m;
        return at;
    }

    /** Row ranges of the symmetric product: a function of m only, so that its sums do not depend on the thread count. */
    static final int MAX_PARTS = 8;

    /**
     * p = B v for the m×m symmetric block B at (t, t) of w, read from its lower triangle: each row range adds into
     * its own partial vector, and the partials are summed in order.
     */
    private static void symmetricProductLower(double[] w, int n, int t, int m, double[] v, double[] p, double[][] partial) {
        int parts = (long) m * m / 2 < PARALLEL_WORK ? 1 : Math.min(MAX_PARTS, Math.max(1, m / 64));
        if (parts == 1) {
            java.util.Arrays.fill(p, 0, m, 0);
            symvRows(w, n, t, 0, m, v, p);
            return;
        }
        int[] at = triangleSplit(m, parts);
        Parallel.forEach(parts, s -> {
            double[] ps = partial[s];
            java.util.Arrays.fill(ps, 0, m, 0);
            symvRows(w, n, t, at[s], at[s + 1], v, ps);
        });
        java.util.Arrays.fill(p, 0, m, 0);
        for (int s = 0; s < parts; s++) {
            double[] ps = partial[s];
            for (int i = 0; i < m; i++) p[i] += ps[i];
        }
    }

    // Rows i0..i1 of B (lower part, columns 0..i): p_i += Σ_{k≤i} B_ik v_k and p_k += B_ik v_i for k < i.
    private static void symvRows(double[] w, int n, int t, int i0, int i1, double[] v, double[] p) {
        for (int i = i0; i < i1; i++) {
            int row = (t + i) * n + t;
            double vi = v[i];
            DoubleVector vib = DoubleVector.broadcast(S, vi);
            DoubleVector acc = DoubleVector.zero(S);
            int k = 0;
            for (int bound = S.loopBound(i); k < bound; k += L) {
                DoubleVector b = DoubleVector.fromArray(S, w, row + k);
                acc = b.fma(DoubleVector.fromArray(S, v, k), acc);
                b.fma(vib, DoubleVector.fromArray(S, p, k)).intoArray(p, k);
            }
            double s = acc.reduceLanes(VectorOperators.ADD);
            for (; k < i; k++) {
                double b = w[row + k];
                s += b * v[k];
                p[k] += b * vi;
            }
            p[i] += s + w[row + i] * vi;
        }
    }

    /** B ← B − v qᵀ − q vᵀ on the lower triangle of the m×m block at (t, t). */
    private static void rank2UpdateLower(double[] w, int n, int t, int m, double[] v, double[] q) {
        int parts = (long) m * m / 2 < PARALLEL_WORK ? 1 : Math.min(Parallel.threads(), Math.max(1, m / 64));
        if (parts == 1) {
            rank2Rows(w, n, t, 0, m, v, q);
            return;
        }
        int[] at = triangleSplit(m, parts);
        Parallel.forEach(parts, s -> rank2Rows(w, n, t, at[s], at[s + 1], v, q));
    }

    private static void rank2Rows(double[] w, int n, int t, int i0, int i1, double[] v, double[] q) {
        for (int i = i0; i < i1; i++) {
            int row = (t + i) * n + t;
            DoubleVector mv = DoubleVector.broadcast(S, -v[i]);
            DoubleVector mq = DoubleVector.broadcast(S, -q[i]);
            int k = 0;
            for (int bound = S.loopBound(i + 1); k < bound; k += L) {
                DoubleVector b = DoubleVector.fromArray(S, w, row + k);
                b = DoubleVector.fromArray(S, q, k).fma(mv, b);
                DoubleVector.fromArray(S, v, k).fma(mq, b).intoArray(w, row + k);
            }
            for (; k <= i; k++) w[row + k] -= v[i] * q[k] + q[i] * v[k];
        }
    }

    // ------------------------------------------------------------------ 2. implicit QL on the tridiagonal

    /**
     * EISPACK's tql2 on (d, e) (e[i] couples i and i+1), accumulating its rotations into the rows of
     * {@code zt}; d ends as the eigenvalues. False when an eigenvalue needs more than {@link #MAX_ITERATIONS}.
     */
    static boolean ql(double[] d, double[] e, double[] zt, int n) {
        double[] cs = new double[n];
        double[] sn = new double[n];
        double f = 0;
        double tst1 = 0;
        final double eps = Math.ulp(1.0);
        for (int l = 0; l < n; l++) {
            tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
            int m = l;
            while (m < n - 1 && !(Math.abs(e[m]) <= eps * tst1)) m++;
            if (m > l) {
                int iter = 0;
                do {
                    if (++iter > MAX_ITERATIONS) return false;
                    double g = d[l];
                    double p = (d[l + 1] - g) / (2 * e[l]);
                    double r = hypot(p, 1);
                    if (p < 0) r = -r;
                    d[l] = e[l] / (p + r);
                    d[l + 1] = e[l] * (p + r);
                    double dl1 = d[l + 1];
                    double h = g - d[l];
                    for (int i = l + 2; i < n; i++) d[i] -= h;
                    f += h;
                    p = d[m];
                    double c = 1;
                    double c2 = c;
                    double c3 = c;
                    double el1 = e[l + 1];
                    double s = 0;
                    double s2 = 0;
                    for (int i = m - 1; i >= l; i--) {
                        c3 = c2;
                        c2 = c;
                        s2 = s;
                        g = c * e[i];
                        h = c * p;
                        r = hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = c * d[i] - s * g;
                        d[i + 1] = h + s * (c * g + s * d[i]);
                        cs[i] = c;
                        sn[i] = s;
                    }
                    rotate(zt, n, l, m, cs, sn);
                    p = -s * s2 * c3 * el1 * (e[l] / dl1); // the ratio first: el1·e_l alone can overflow
                    e[l] = s * p;
                    d[l] = c * p;
                    if (!Double.isFinite(e[l]) || !Double.isFinite(d[l])) return false;
                } while (Math.abs(e[l]) > eps * tst1);
            }
            d[l] += f;
            e[l] = 0;
        }
        return true;
    }

    /** √(x² + y²) without the cost of {@link Math#hypot} where squaring cannot overflow or underflow. */
    private static double hypot(double x, double y) {
        double ax = Math.abs(x);
        double ay = Math.abs(y);
        double big = Math.max(ax, ay);
        if (big < 1e150 && big > 1e-150) return Math.sqrt(x * x + y * y);
        return Math.hypot(x, y);
    }

    /**
     * For i = m−1 down to l, rows (i, i+1) of zt ← (c_i·z_i − s_i·z_{i+1}, s_i·z_i + c_i·z_{i+1}): each chunk of
     * columns is carried down the rows once (row i+1 is final as soon as rotation i is applied).
     */
    private static void rotate(double[] zt, int n, int l, int m, double[] cs, double[] sn) {
        long work = (long) (m - l) * n;
        int parts = work < PARALLEL_WORK ? 1 : Math.min(Parallel.threads(), Math.max(1, n / (4 * L)));
        if (parts == 1) {
            rotateColumns(zt, n, l, m, cs, sn, 0, n);
            return;
        }
        Parallel.forEach(parts, s -> {
            int k0 = (int) ((long) n * s / parts) / L * L;
            int k1 = s + 1 == parts ? n : (int) ((long) n * (s + 1) / parts) / L * L;
            rotateColumns(zt, n, l, m, cs, sn, k0, k1);
        });
    }

    private static void rotateColumns(double[] zt, int n, int l, int m, double[] cs, double[] sn, int k0, int k1) {
        int k = k0;
        for (; k + 2 * L <= k1; k += 2 * L) {
            DoubleVector carry0 = DoubleVector.fromArray(S, zt, m * n + k);
            DoubleVector carry1 = DoubleVector.fromArray(S, zt, m * n + k + L);
            for (int i = m - 1; i >= l; i--) {
                int at = i * n + k;
                DoubleVector c = DoubleVector.broadcast(S, cs[i]);
                DoubleVector s = DoubleVector.broadcast(S, sn[i]);
                DoubleVector z0 = DoubleVector.fromArray(S, zt, at);
                DoubleVector z1 = DoubleVector.fromArray(S, zt, at + L);
                z0.fma(s, carry0.mul(c)).intoArray(zt, at + n);
                z1.fma(s, carry1.mul(c)).intoArray(zt, at + n + L);
                carry0 = z0.fma(c, carry0.mul(s).neg());
                carry1 = z1.fma(c, carry1.mul(s).neg());
            }
            carry0.intoArray(zt, l * n + k);
            carry1.intoArray(zt, l * n + k + L);
        }
        for (; k < k1; k++) {
            double carry = zt[m * n + k];
            for (int i = m - 1; i >= l; i--) {
                double z = zt[i * n + k];
                zt[(i + 1) * n + k] = sn[i] * z + cs[i] * carry;
                carry = cs[i] * z - sn[i] * carry;
            }
            zt[l * n + k] = carry;
        }
    }

    // ------------------------------------------------------------------ 3. back-transformation

    /** Reflectors applied together as one compact-WY block on the GEMM. */
    static final int BLOCK = 64;

    /**
     * zt ← zt·H_{n−3}⋯H_0, H_j = I − τ_j v_j v_jᵀ: the eigenvectors of the original matrix. Blocks of
     * {@link #BLOCK} consecutive reflectors, from the last one down: with H_{j0}⋯H_{j1} = I − V T Vᵀ (LAPACK
     * {@code dlarft}, forward; V's columns the v_j, T upper triangular), zt·H_{j1}⋯H_{j0} = zt − (zt V) Tᵀ Vᵀ —
     * two GEMMs with the reflectors read as the rows of Vᵀ.
     */
    static void backTransform(double[] zt, int n, double[] reflectors, double[] tau) {
        int count = n - 2; // reflectors 0 … n−3
        if (count <= 0) return;
        double[] y = new double[n * BLOCK];
        double[] yt = new double[n * BLOCK];
        double[] t = new double[BLOCK * BLOCK];
        for (int j1 = count - 1; j1 >= 0; j1 -= BLOCK) {
            int j0 = Math.max(0, j1 - BLOCK + 1);
            int nb = j1 - j0 + 1;
            int from = j0 + 1;          // columns ≥ from can be non-zero in the block's reflectors
            int width = n - from;
            triangularFactor(reflectors, n, tau, j0, nb, from, t);
            // Y = zt[:, from:] · V[from:, :]   (V = the block's rows of `reflectors`, transposed)
            Gemm.dgemm(false, true, n, nb, width, 1, zt, from, n, reflectors, j0 * n + from, n, 0, y, 0, nb);
            // Y ← Y·Tᵀ
            Gemm.dgemm(false, true, n, nb, nb, 1, y, 0, nb, t, 0, BLOCK, 0, yt, 0, nb);
            // zt[:, from:] −= Y·Vᵀ
            Gemm.dgemm(false, false, n, width, nb, -1, yt, 0, nb, reflectors, j0 * n + from, n, 1, zt, from, n);
        }
    }

    /** T (nb×nb, leading dimension {@link #BLOCK}, upper triangular) with H_{j0}⋯H_{j0+nb−1} = I − V T Vᵀ. */
    private static void triangularFactor(double[] reflectors, int n, double[] tau, int j0, int nb, int from, double[] t) {
        java.util.Arrays.fill(t, 0);
        double[] w = new double[nb];
        for (int i = 0; i < nb; i++) {
            double ti = tau[j0 + i];
            t[i * BLOCK + i] = ti;
            if (ti == 0 || i == 0) continue;
            int vi = (j0 + i) * n;
            for (int s2 = 0; s2 < i; s2++) w[s2] = dot(reflectors, (j0 + s2) * n, reflectors, vi, from, n); // v_sᵀ v_i
            for (int r = 0; r < i; r++) {
                double sum = 0;
                for (int s2 = r; s2 < i; s2++) sum += t[r * BLOCK + s2] * w[s2];
                t[r * BLOCK + i] = -ti * sum;
            }
        }
    }

    // Σ_{c=from}^{to−1} x[xo + c]·y[yo + c]
    private static double dot(double[] x, int xo, double[] y, int yo, int from, int to) {
        DoubleVector acc = DoubleVector.zero(S);
        int c = from;
        for (int bound = from + S.loopBound(to - from); c < bound; c += L) {
            acc = DoubleVector.fromArray(S, x, xo + c).fma(DoubleVector.fromArray(S, y, yo + c), acc);
        }
        double s = acc.reduceLanes(VectorOperators.ADD);
        for (; c < to; c++) s += x[xo + c] * y[yo + c];
        return s;
    }
}
