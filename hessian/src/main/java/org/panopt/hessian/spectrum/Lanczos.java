package org.panopt.hessian.spectrum;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.panopt.hessian.LinearOperator;

/**
 * The Lanczos method with full re-orthogonalization for extreme eigenpairs of a symmetric operator
 * (Lanczos 1950; Golub &amp; Van Loan §10.1–10.3; PyHessian uses it for the spectral density).
 *
 * <p>From a unit start vector q₁ it builds an orthonormal basis Q_j of the Krylov space
 * span{q₁, Aq₁, …, A^{j−1}q₁} and the tridiagonal T_j = Q_jᵀ A Q_j:
 * <pre>
 *   w = A q_j − β_{j−1} q_{j−1},  α_j = q_jᵀ w,  w ← w − α_j q_j,  w ← (I − Q_j Q_jᵀ) w  (twice),
 *   β_j = ‖w‖,  q_{j+1} = w / β_j,     so that  A Q_j = Q_j T_j + β_j q_{j+1} e_jᵀ.
 * </pre>
 * Eigenpairs (θ, s) of T_j (EJML's symmetric eigen-decomposition) give Ritz pairs (θ, Q_j s) with residual
 * ‖A Q_j s − θ Q_j s‖ = β_j |s_j| — the convergence test. Full re-orthogonalization costs O(j·n) per step
 * and j·n doubles of memory, and keeps the basis orthogonal to round-off, so no spurious copies of
 * converged eigenvalues appear (the plain three-term recurrence loses orthogonality exactly then).
 *
 * <p>When β_j vanishes the Krylov space is invariant (a matrix with few distinct eigenvalues, or a
 * low-rank curvature): {@link #eigenpairs} continues from a fresh random vector orthogonal to the basis, so
 * repeated eigenvalues are found with their multiplicity; {@link #tridiagonalize} stops there instead,
 * since the quadrature of its start vector is then exact.
 */
public final class Lanczos {
    private Lanczos() {}

    /** Which end(s) of the spectrum to resolve. */
    public enum Which {
        /** The k algebraically largest. */
        LARGEST,
        /** The k algebraically smallest. */
        SMALLEST,
        /** ⌈k/2⌉ largest and ⌊k/2⌋ smallest (ARPACK's "BE"). */
        BOTH_ENDS,
        /** The k of largest |λ|. */
        LARGEST_MAGNITUDE
    }

    /**
     * @param maxIterations the largest Krylov dimension (operator products), bounding memory at
     *                      maxIterations·n doubles; 0 means min(n, max(4k, 2k + 40))
     * @param tolerance     a Ritz pair is converged when β_j|s_j| ≤ tolerance·max|θ|
     * @param seed          seeds the random start vector (and fresh vectors after an invariant subspace)
     */
    public record Options(int maxIterations, double tolerance, long seed) {
        public Options {
            if (maxIterations < 0) throw new IllegalArgumentException("Lanczos: maxIterations " + maxIterations + " must be ≥ 0 (0 = default)");
            if (!(tolerance > 0)) throw new IllegalArgumentException("Lanczos: tolerance " + tolerance + " must be positive");
        }

        /** Default Krylov dimension, tolerance 1e-10, seed 0. */
        public static Options defaults() {
            return new Options(0, 1e-10, 0);
        }

        public Options withMaxIterations(int m) {
            return new Options(m, tolerance, seed);
        }

        public Options withTolerance(double t) {
            return new Options(maxIterations, t, seed);
        }

        public Options withSeed(long s) {
            return new Options(maxIterations, tolerance, s);
        }
    }

    /** The k extreme eigenpairs at the chosen end(s), with default options. */
    public static EigenPairs eigenpairs(LinearOperator a, int k, Which which) {
        return eigenpairs(a, k, which, Options.defaults());
    }

    /**
     * The k extreme eigenpairs of the symmetric operator {@code a} at the chosen end(s), values descending,
     * unit Ritz vectors, and Lanczos residual estimates. Stops when all k are converged, when the basis
     * spans ℝⁿ, or after {@code maxIterations} products (then {@code converged} is false).
     */
    public static EigenPairs eigenpairs(LinearOperator a, int k, Which which, Options options) {
        int n = a.dim();
        requireSymmetric(a);
        if (k <= 0 || k > n) throw new IllegalArgumentException("Lanczos: k " + k + " must be in [1, " + n + "] for an operator of dimension " + n);
        int m = options.maxIterations() == 0 ? Math.min(n, Math.max(4 * k, 2 * k + 40)) : Math.min(n, options.maxIterations());
        if (m < k) throw new IllegalArgumentException("Lanczos: maxIterations " + options.maxIterations() + " is below k " + k);
        SplittableRandom rng = new SplittableRandom(options.seed());
        Recurrence run = new Recurrence(a, m);
        run.start(Probes.GAUSSIAN.draw(n, rng));
        Selection selection = null;
        int checkEvery = Math.max(1, Math.min(10, k));
        while (true) {
            boolean invariant = run.step();
            int j = run.size();
            boolean full = j == m || j == n;
            // Not at an invariant point: there every residual is 0, yet a restart may still add copies of
            // a repeated eigenvalue (or the zeros of a low-rank operator) to the wanted set.
            if (j >= k && (full || (!invariant && j % checkEvery == 0))) {
                selection = run.select(k, which);
                if (selection.allConverged(options.tolerance()) || full) break;
            }
            // An invariant Krylov space holds each eigenvalue once: go on from a fresh direction, so that
            // repeated eigenvalues can appear with their multiplicity before convergence is declared.
            if (invariant && !run.restart(rng)) {
                selection = run.select(k, which); // the basis spans ℝⁿ: the Ritz pairs are exact
                break;
            }
        }
        return run.ritzPairs(selection, options.tolerance());
    }

    /**
     * The tridiagonal T = Qᵀ A Q of at most {@code steps} Lanczos steps from {@code start} (not necessarily
     * unit), stopping early at an invariant subspace. The basis is not kept beyond the run.
     */
    public static Tridiagonal tridiagonalize(LinearOperator a, double[] start, int steps) {
        requireSymmetric(a);
        a.checkLength("Lanczos start vector", start);
        if (steps <= 0) throw new IllegalArgumentException("Lanczos: steps " + steps + " must be positive");
        double norm = Vectors.norm(start);
        if (!(norm > 0) || !Double.isFinite(norm)) throw new IllegalArgumentException("Lanczos: the start vector has norm " + norm);
        Recurrence run = new Recurrence(a, Math.min(steps, a.dim()));
        run.start(start);
        while (run.size() < run.capacity()) {
            if (run.step()) break;
        }
        int j = run.size();
        return new Tridiagonal(Arrays.copyOf(run.alpha, j), Arrays.copyOf(run.beta, j - 1), norm * norm);
    }

    /**
     * The Lanczos tridiagonal of a start vector v: diagonal α₁…α_m, off-diagonal β₁…β_{m−1}, and ‖v‖².
     * Its eigenvalues θᵢ and squared first eigenvector components τᵢ are the nodes and weights of the
     * m-point Gauss quadrature of the spectral measure of v: vᵀ f(A) v ≈ ‖v‖² Σᵢ τᵢ f(θᵢ), exact for
     * polynomials f of degree ≤ 2m − 1 (Golub &amp; Meurant).
     */
    public record Tridiagonal(double[] alpha, double[] beta, double startNormSquared) {
        public int size() {
            return alpha.length;
        }

        /** T as a dense symmetric matrix. */
        public DMatrixRMaj matrix() {
            int m = alpha.length;
            DMatrixRMaj t = new DMatrixRMaj(m, m);
            for (int i = 0; i < m; i++) {
                t.unsafe_set(i, i, alpha[i]);
                if (i + 1 < m) {
                    t.unsafe_set(i, i + 1, beta[i]);
                    t.unsafe_set(i + 1, i, beta[i]);
                }
            }
            return t;
        }

        /** Gauss nodes θᵢ (descending) and weights τᵢ (summing to 1). */
        public SpectralDensity.Quadrature quadrature() {
            SymmetricEigen.Result e = SymmetricEigen.decompose(matrix(), true, "Lanczos quadrature");
            double[] w = new double[alpha.length];
            for (int i = 0; i < w.length; i++) w[i] = e.vectors()[i][0] * e.vectors()[i][0];
            return new SpectralDensity.Quadrature(e.values(), w);
        }
    }

    private static void requireSymmetric(LinearOperator a) {
        if (!a.isSymmetric()) {
            throw new IllegalArgumentException("Lanczos needs a symmetric operator, got a non-symmetric " + a.getClass().getSimpleName());
        }
    }

    /** The chosen Ritz pairs of T_j: indices into T's eigen-decomposition (sorted descending). */
    private record Selection(SymmetricEigen.Result eig, int[] chosen, double beta, double scale) {
        double residual(int i) {
            double[] s = eig.vectors()[chosen[i]];
            return Math.abs(beta * s[s.length - 1]);
        }

        boolean allConverged(double tolerance) {
            for (int i = 0; i < chosen.length; i++) if (residual(i) > tolerance * scale) return false;
            return true;
        }
    }

    /** The recurrence with its basis, T's entries, and restarts after invariant subspaces. */
    private static final class Recurrence {
        private final LinearOperator a;
        private final double[][] q;
        private final double[] alpha;
        private final double[] beta; // beta[j] couples q_j and q_{j+1}; 0 after a restart
        private double[] next;       // the unit vector q_{size+1}, or null when none yet
        private int size;
        private double nextBeta;

        Recurrence(LinearOperator a, int capacity) {
            this.a = a;
            this.q = new double[capacity][];
            this.alpha = new double[capacity];
            this.beta = new double[capacity];
        }

        int capacity() {
            return q.length;
        }

        int size() {
            return size;
        }

        void start(double[] v) {
            next = v.clone();
            Vectors.scale(1 / Vectors.norm(next), next);
            nextBeta = 0;
        }

        /** One step; returns true when the new residual vanished (the Krylov space became invariant). */
        boolean step() {
            int j = size;
            q[j] = next;
            if (j > 0) beta[j - 1] = nextBeta;
            double[] w = a.apply(q[j]);
            double productNorm = Vectors.norm(w);
            alpha[j] = Vectors.dot(q[j], w);
            Vectors.axpy(-alpha[j], q[j], w);
            if (j > 0) Vectors.axpy(-beta[j - 1], q[j - 1], w);
            Vectors.orthogonalize(w, q, j + 1);
            size = j + 1;
            double b = Vectors.norm(w);
            // Invariant when what is left is round-off of the product A·q_j.
            if (!(b > 1e3 * Math.ulp(1.0) * productNorm) || b == 0) {
                nextBeta = 0;
                next = null;
                return true;
            }
            Vectors.scale(1 / b, w);
            next = w;
            nextBeta = b;
            return false;
        }

        /** Continues from a random vector orthogonal to the basis; false when the basis already spans ℝⁿ. */
        boolean restart(SplittableRandom rng) {
            if (size >= a.dim()) return false;
            for (int attempt = 0; attempt < 3; attempt++) {
                double[] v = Probes.GAUSSIAN.draw(a.dim(), rng);
                double before = Vectors.norm(v);
                Vectors.orthogonalize(v, q, size);
                double after = Vectors.norm(v);
                if (after > 1e-8 * before) {
                    Vectors.scale(1 / after, v);
                    next = v;
                    nextBeta = 0;
                    return true;
                }
            }
            return false;
        }

        Selection select(int k, Which which) {
            DMatrixRMaj t = new DMatrixRMaj(size, size);
            for (int i = 0; i < size; i++) {
                t.unsafe_set(i, i, alpha[i]);
                if (i + 1 < size) {
                    t.unsafe_set(i, i + 1, beta[i]);
                    t.unsafe_set(i + 1, i, beta[i]);
                }
            }
            SymmetricEigen.Result eig = SymmetricEigen.decompose(t, true, "Lanczos");
            double[] theta = eig.values();
            int m = theta.length;
            int[] chosen = switch (which) {
                case LARGEST -> range(0, k);
                case SMALLEST -> range(m - k, m);
                case BOTH_ENDS -> {
                    int top = (k + 1) / 2;
                    int[] c = new int[k];
                    for (int i = 0; i < top; i++) c[i] = i;
                    for (int i = 0; i < k - top; i++) c[top + i] = m - (k - top) + i;
                    yield c;
                }
                case LARGEST_MAGNITUDE -> {
                    Integer[] order = new Integer[m];
                    for (int i = 0; i < m; i++) order[i] = i;
                    Arrays.sort(order, (x, y) -> Double.compare(Math.abs(theta[y]), Math.abs(theta[x])));
                    int[] c = new int[k];
                    for (int i = 0; i < k; i++) c[i] = order[i];
                    Arrays.sort(c); // descending θ
                    yield c;
                }
            };
            double scale = Math.max(Math.abs(theta[0]), Math.abs(theta[m - 1]));
            return new Selection(eig, chosen, next == null ? 0 : nextBeta, Math.max(scale, Double.MIN_NORMAL));
        }

        private static int[] range(int from, int to) {
            int[] r = new int[to - from];
            for (int i = 0; i < r.length; i++) r[i] = from + i;
            return r;
        }

        EigenPairs ritzPairs(Selection sel, double tolerance) {
            int k = sel.chosen().length;
            int n = a.dim();
            double[] values = new double[k];
            double[][] vectors = new double[k][];
            double[] residuals = new double[k];
            for (int i = 0; i < k; i++) {
                int c = sel.chosen()[i];
                values[i] = sel.eig().values()[c];
                double[] s = sel.eig().vectors()[c];
                double[] x = new double[n];
                for (int l = 0; l < size; l++) Vectors.axpy(s[l], q[l], x);
                Vectors.scale(1 / Vectors.norm(x), x);
                vectors[i] = x;
                residuals[i] = sel.residual(i);
            }
            return new EigenPairs(values, vectors, residuals, size, sel.allConverged(tolerance));
        }
    }
}
