package org.panopt.hessian.spectrum;

import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * An estimate of the spectral density φ(t) = (1/n) Σᵢ δ(t − λᵢ) of a symmetric n×n operator, as a mixture
 * of Gauss quadratures — one per random probe — from {@link StochasticLanczosQuadrature}. Every
 * quadrature's weights sum to ‖v‖²/n (exactly 1 for Rademacher probes), so that
 * {@link #trace} is unbiased: E[vᵀ f(A) v] = tr f(A).
 *
 * @param dim         n
 * @param quadratures one per probe: nodes θ (the Ritz values) and weights τ·‖v‖²/n
 */
public record SpectralDensity(int dim, List<Quadrature> quadratures) {

    /** Nodes θᵢ (descending) and weights wᵢ of one probe's Gauss quadrature. */
    public record Quadrature(double[] nodes, double[] weights) {
        public Quadrature {
            if (nodes.length != weights.length) throw new IllegalArgumentException("quadrature: " + nodes.length + " nodes, " + weights.length + " weights");
        }

        /** Σ wᵢ f(θᵢ). */
        public double integrate(DoubleUnaryOperator f) {
            double s = 0;
            for (int i = 0; i < nodes.length; i++) s += weights[i] * f.applyAsDouble(nodes[i]);
            return s;
        }
    }

    public SpectralDensity {
        quadratures = List.copyOf(quadratures);
        if (quadratures.isEmpty()) throw new IllegalArgumentException("SpectralDensity: no quadratures");
    }

    /** tr f(A) ≈ n · mean over probes of Σ wᵢ f(θᵢ). */
    public double trace(DoubleUnaryOperator f) {
        double s = 0;
        for (Quadrature q : quadratures) s += q.integrate(f);
        return dim * s / quadratures.size();
    }

    /** The estimated fraction of eigenvalues ≤ x (the smoothed spectrum's cumulative distribution at x, unsmoothed). */
    public double cumulative(double x) {
        return trace(t -> t <= x ? 1 : 0) / dim;
    }

    /**
     * The density on {@code grid} with Gaussian smoothing of standard deviation σ (PyHessian's
     * {@code density_generate}, which takes σ² as a parameter):
     * φ_σ(t) = mean over probes Σᵢ wᵢ · exp(−(t − θᵢ)²/(2σ²)) / (σ√(2π)). Integrates to ≈ 1 over ℝ.
     */
    public double[] density(double[] grid, double sigma) {
        if (!(sigma > 0)) throw new IllegalArgumentException("SpectralDensity: smoothing σ " + sigma + " must be positive");
        double[] out = new double[grid.length];
        double norm = 1 / (sigma * Math.sqrt(2 * Math.PI) * quadratures.size());
        for (Quadrature q : quadratures) {
            for (int i = 0; i < q.nodes().length; i++) {
                double theta = q.nodes()[i];
                double w = q.weights()[i] * norm;
                for (int g = 0; g < grid.length; g++) {
                    double d = (grid[g] - theta) / sigma;
                    out[g] += w * Math.exp(-0.5 * d * d);
                }
            }
        }
        return out;
    }

    /** The smallest node of any probe. */
    public double lowestNode() {
        double m = Double.POSITIVE_INFINITY;
        for (Quadrature q : quadratures) for (double t : q.nodes()) m = Math.min(m, t);
        return m;
    }

    /** The largest node of any probe. */
    public double highestNode() {
        double m = Double.NEGATIVE_INFINITY;
        for (Quadrature q : quadratures) for (double t : q.nodes()) m = Math.max(m, t);
        return m;
    }

    /** {@code points} equally spaced values from lo to hi inclusive. */
    public static double[] grid(double lo, double hi, int points) {
        if (points < 2 || !(hi > lo)) throw new IllegalArgumentException("grid: need points ≥ 2 and hi > lo, got " + points + " points on [" + lo + ", " + hi + "]");
        double[] g = new double[points];
        for (int i = 0; i < points; i++) g[i] = lo + (hi - lo) * i / (points - 1);
        return g;
    }
}
