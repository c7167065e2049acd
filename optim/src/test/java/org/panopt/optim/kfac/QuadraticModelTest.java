package org.panopt.optim.kfac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * The step scalars (spec §4.3, §5): the 2×2 solution minimizes M(αΔ + μδ₀) built from a dense Fisher, the
 * predicted change equals ½∇hᵀδ*, and the degenerate cases fall back to the 1-D re-scaling.
 */
class QuadraticModelTest {
    final SplittableRandom rng = new SplittableRandom(9);

    /** Products from a dense SPD F, gradient g, proposal Δ and previous step v. */
    QuadraticModel.Products products(double[][] f, double[] g, double[] d, double[] v) {
        double[] fd = Dense.mul(f, d);
        double[] fv = Dense.mul(f, v);
        return new QuadraticModel.Products(dot(d, fd), dot(d, fv), dot(v, fv), dot(d, d), dot(d, v), dot(v, v), dot(g, d), dot(g, v));
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    double[] randn(int n) {
        return Tensor.randn(rng, DType.FLOAT64, n).toDoubleArray();
    }

    /** M(δ) − M(0) = gᵀδ + ½δᵀ(F + bI)δ, directly. */
    static double model(double[][] f, double b, double[] g, double[] delta) {
        double[] fd = Dense.mul(f, delta);
        return dot(g, delta) + 0.5 * (dot(delta, fd) + b * dot(delta, delta));
    }

    @Test
    void twoByTwoSolutionMinimizesTheModelAndPredictsHalfTheGradientStep() {
        for (int trial = 0; trial < 10; trial++) {
            int n = 8;
            double[][] f = Dense.randomSpd(n, 5, 0, rng); // rank-deficient exact Fisher
            double b = 0.3;
            double[] g = randn(n);
            double[] d = randn(n);
            if (dot(g, d) > 0) for (int i = 0; i < n; i++) d[i] = -d[i]; // a descent proposal, as −F̆⁻¹g is
            double[] v = randn(n);
            QuadraticModel.Products p = products(f, g, d, v);
            QuadraticModel.Coefficients c = QuadraticModel.solve(p, b, true);
            assertThat(c.momentum()).isTrue();
            double[] step = new double[n];
            for (int i = 0; i < n; i++) step[i] = c.alpha() * d[i] + c.mu() * v[i];
            double best = model(f, b, g, step);
            assertThat(c.predictedChange()).isCloseTo(best, within(1e-12 * (1 + Math.abs(best))));
            assertThat(c.predictedChange()).isCloseTo(0.5 * dot(g, step), within(1e-12 * (1 + Math.abs(best))));
            assertThat(QuadraticModel.change(p, b, c.alpha(), c.mu())).isCloseTo(best, within(1e-12 * (1 + Math.abs(best))));
            for (double[] e : new double[][] {{1e-3, 0}, {-1e-3, 0}, {0, 1e-3}, {0, -1e-3}, {1e-3, 1e-3}, {1e-3, -1e-3}}) {
                double[] other = new double[n];
                for (int i = 0; i < n; i++) other[i] = (c.alpha() + e[0]) * d[i] + (c.mu() + e[1]) * v[i];
                assertThat(model(f, b, g, other)).isGreaterThan(best);
            }
        }
    }

    @Test
    void oneDimensionalFallbacks() {
        int n = 6;
        double[][] f = Dense.randomSpd(n, 10, 0, rng);
        double b = 0.1;
        double[] g = randn(n);
        double[] d = randn(n);
        double[] zero = new double[n];
        double alphaStar = -dot(g, d) / (dot(d, Dense.mul(f, d)) + b * dot(d, d));
        // δ₀ = 0 (first step).
        QuadraticModel.Coefficients first = QuadraticModel.solve(products(f, g, d, zero), b, true);
        assertThat(first.momentum()).isFalse();
        assertThat(first.mu()).isZero();
        assertThat(first.alpha()).isCloseTo(alphaStar, within(1e-12 * Math.abs(alphaStar)));
        assertThat(first.predictedChange()).isCloseTo(-0.5 * dot(g, d) * dot(g, d) / (dot(d, Dense.mul(f, d)) + b * dot(d, d)), within(1e-12));
        // Momentum switched off.
        QuadraticModel.Coefficients off = QuadraticModel.solve(products(f, g, d, randn(n)), b, false);
        assertThat(off.mu()).isZero();
        assertThat(off.alpha()).isCloseTo(alphaStar, within(1e-12 * Math.abs(alphaStar)));
        // δ₀ parallel to Δ: the 2×2 system is singular.
        double[] parallel = new double[n];
        for (int i = 0; i < n; i++) parallel[i] = 2 * d[i];
        QuadraticModel.Coefficients singular = QuadraticModel.solve(products(f, g, d, parallel), b, true);
        assertThat(singular.momentum()).isFalse();
        assertThat(singular.alpha()).isCloseTo(alphaStar, within(1e-9 * Math.abs(alphaStar)));
        // A zero proposal: nothing to scale.
        QuadraticModel.Coefficients none = QuadraticModel.solve(products(f, g, zero, zero), b, true);
        assertThat(none.alpha()).isZero();
        assertThat(none.predictedChange()).isZero();
    }
}
