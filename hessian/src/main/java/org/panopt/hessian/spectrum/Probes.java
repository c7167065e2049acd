package org.panopt.hessian.spectrum;

import java.util.SplittableRandom;

/**
 * Random probe vectors for stochastic trace and density estimates. Both have E[v vᵀ] = I, so
 * E[vᵀAv] = tr A (Hutchinson 1990). Rademacher probes (±1) have the smallest variance among such
 * vectors for a fixed matrix, Var = 2 Σ_{i≠j} aᵢⱼ², and ‖v‖² = n exactly.
 */
public enum Probes {
    /** Entries ±1 with probability ½ each (PyHessian's choice). */
    RADEMACHER,
    /** Entries N(0, 1). */
    GAUSSIAN;

    /** A fresh probe of length n. */
    public double[] draw(int n, SplittableRandom rng) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = this == RADEMACHER ? (rng.nextBoolean() ? 1 : -1) : rng.nextGaussian();
        return v;
    }
}
