package org.panopt.hessian.spectrum;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.panopt.hessian.LinearOperator;

/**
 * Stochastic Lanczos quadrature (Golub &amp; Meurant; Ubaru, Chen &amp; Saad 2017; the spectral density of
 * PyHessian, Yao et al. 2020, and of Ghorbani et al. 2019): for each of several random probes v, m Lanczos
 * steps from v give a tridiagonal T whose eigenvalues θᵢ and squared first eigenvector entries τᵢ form the
 * Gauss quadrature of v's spectral measure, vᵀ f(A) v ≈ ‖v‖² Σ τᵢ f(θᵢ), exact for polynomials of degree
 * ≤ 2m − 1. Averaging over probes estimates (1/n) tr f(A) = ∫ f dφ, and Gaussian smoothing of the nodes
 * gives the density φ ({@link SpectralDensity#density}).
 *
 * <p>Differences from PyHessian: full re-orthogonalization in double (PyHessian re-orthogonalizes too, in
 * the network's precision), a symmetric tridiagonal eigen-solver (PyHessian calls a general one), and
 * weights that keep ‖v‖²/n so that Gaussian probes give unbiased traces.
 */
public final class StochasticLanczosQuadrature {
    private StochasticLanczosQuadrature() {}

    /**
     * @param probes number of random start vectors (PyHessian's {@code n_v}, often 1–10)
     * @param steps  Lanczos steps per probe (PyHessian's {@code iter}, e.g. 100); capped at n
     */
    public static SpectralDensity estimate(LinearOperator a, int probes, int steps, Probes kind, SplittableRandom rng) {
        if (probes <= 0) throw new IllegalArgumentException("stochastic Lanczos quadrature: probes " + probes + " must be positive");
        if (steps <= 0) throw new IllegalArgumentException("stochastic Lanczos quadrature: steps " + steps + " must be positive");
        int n = a.dim();
        List<SpectralDensity.Quadrature> quadratures = new ArrayList<>(probes);
        for (int p = 0; p < probes; p++) {
            double[] v = kind.draw(n, rng);
            Lanczos.Tridiagonal t = Lanczos.tridiagonalize(a, v, steps);
            SpectralDensity.Quadrature q = t.quadrature();
            double[] w = q.weights().clone();
            double scale = t.startNormSquared() / n;
            for (int i = 0; i < w.length; i++) w[i] *= scale;
            quadratures.add(new SpectralDensity.Quadrature(q.nodes(), w));
        }
        return new SpectralDensity(n, quadratures);
    }
}
