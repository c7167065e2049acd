package org.panopt.hessian.spectrum;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.panopt.hessian.LinearOperator;

/**
 * Power iteration with deflation for the eigenvalues of largest magnitude (PyHessian's
 * {@code eigenvalues}): for the i-th pair, v ← A v / ‖A v‖ with v kept orthogonal to the pairs already
 * found, λ = vᵀ A v, until |λ − λ_prev| ≤ tolerance·|λ_prev| (PyHessian's test, with 1e-6 added to the
 * denominator there; here the test is purely relative). Converges at rate |λ_{i+1}/λᵢ| per product — slow
 * when the top eigenvalues are close, where {@link Lanczos} is far better; kept as PyHessian's reference
 * method and as a cross-check.
 */
public final class PowerIteration {
    private PowerIteration() {}

    /** The k eigenpairs of largest |λ|, returned in descending order of λ. */
    public static EigenPairs dominant(LinearOperator a, int k, int maxIterations, double tolerance, SplittableRandom rng) {
        int n = a.dim();
        if (!a.isSymmetric()) throw new IllegalArgumentException("power iteration needs a symmetric operator, got " + a.getClass().getSimpleName());
        if (k <= 0 || k > n) throw new IllegalArgumentException("power iteration: k " + k + " must be in [1, " + n + "]");
        if (maxIterations <= 0 || !(tolerance > 0)) {
            throw new IllegalArgumentException("power iteration: maxIterations " + maxIterations + " and tolerance " + tolerance + " must be positive");
        }
        double[][] found = new double[k][];
        double[] values = new double[k];
        double[] residuals = new double[k];
        int products = 0;
        boolean allConverged = true;
        for (int i = 0; i < k; i++) {
            double[] v = Probes.GAUSSIAN.draw(n, rng);
            Vectors.orthogonalize(v, found, i);
            Vectors.scale(1 / Vectors.norm(v), v);
            double lambda = Double.NaN;
            boolean converged = false;
            double[] av = null;
            for (int it = 0; it < maxIterations; it++) {
                av = a.apply(v);
                products++;
                Vectors.orthogonalize(av, found, i); // deflation: stay in the complement of found pairs
                double next = Vectors.dot(v, av);
                double norm = Vectors.norm(av);
                if (it > 0 && Math.abs(next - lambda) <= tolerance * Math.abs(lambda)) {
                    lambda = next;
                    converged = true;
                    break;
                }
                lambda = next;
                if (norm == 0) { // v is in the null space of the deflated operator
                    converged = true;
                    break;
                }
                for (int j = 0; j < n; j++) v[j] = av[j] / norm;
            }
            double[] r = av.clone();
            Vectors.axpy(-lambda, v, r);
            residuals[i] = Vectors.norm(r);
            values[i] = lambda;
            found[i] = v;
            allConverged &= converged;
        }
        Integer[] order = new Integer[k];
        for (int i = 0; i < k; i++) order[i] = i;
        Arrays.sort(order, (x, y) -> Double.compare(values[y], values[x]));
        double[] sv = new double[k];
        double[][] vecs = new double[k][];
        double[] res = new double[k];
        for (int i = 0; i < k; i++) {
            sv[i] = values[order[i]];
            vecs[i] = found[order[i]];
            res[i] = residuals[order[i]];
        }
        return new EigenPairs(sv, vecs, res, products, allConverged);
    }
}
