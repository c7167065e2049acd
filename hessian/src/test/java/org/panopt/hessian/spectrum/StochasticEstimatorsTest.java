package org.panopt.hessian.spectrum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.panopt.hessian.DenseOperator;
import org.panopt.hessian.LinearOperator;
import org.panopt.hessian.TestMatrices;

/** Stochastic Lanczos quadrature, Hutchinson and power iteration against exact spectra. */
class StochasticEstimatorsTest {

    @Test
    void lanczosQuadratureIsExactForPolynomialsOfDegreeBelow2m() {
        int n = 60;
        int m = 8;
        DMatrixRMaj a = TestMatrices.randomSymmetric(n, 21);
        LinearOperator op = DenseOperator.of(a);
        double[] v = Probes.RADEMACHER.draw(n, new SplittableRandom(3));
        SpectralDensity.Quadrature q = Lanczos.tridiagonalize(op, v, m).quadrature();
        // vᵀ A^p v / ‖v‖² by repeated products
        double[] x = v.clone();
        double vv = Vectors.dot(v, v);
        for (int p = 0; p <= 2 * m - 1; p++) {
            final int power = p;
            double exact = Vectors.dot(v, x) / vv;
            assertThat(q.integrate(t -> Math.pow(t, power))).as("moment %d", p).isCloseTo(exact, within(1e-9 * Math.max(1, Math.abs(exact))));
            x = op.apply(x);
        }
    }

    @Test
    void densityAndCumulativeMatchTheDenseSpectrum() {
        int n = 300;
        SplittableRandom rng = new SplittableRandom(4);
        double[] lambda = new double[n];
        for (int i = 0; i < n; i++) lambda[i] = i < 200 ? rng.nextGaussian() * 0.3 : 4 + rng.nextGaussian() * 0.5; // two bumps
        LinearOperator a = DenseOperator.of(TestMatrices.withSpectrum(lambda, 9));
        SpectralDensity slq = StochasticLanczosQuadrature.estimate(a, 20, 40, Probes.RADEMACHER, new SplittableRandom(7));
        double sigma = 0.3;
        double[] grid = SpectralDensity.grid(-3, 8, 441);
        double[] estimate = slq.density(grid, sigma);
        double l1 = 0;
        double mass = 0;
        double h = grid[1] - grid[0];
        for (int g = 0; g < grid.length; g++) {
            double exact = 0;
            for (double l : lambda) exact += Math.exp(-0.5 * Math.pow((grid[g] - l) / sigma, 2)) / (sigma * Math.sqrt(2 * Math.PI) * n);
            l1 += Math.abs(estimate[g] - exact) * h;
            mass += estimate[g] * h;
        }
        assertThat(mass).as("density mass").isCloseTo(1, within(1e-6)); // Rademacher weights sum to 1 exactly
        assertThat(l1).as("L1 distance of smoothed densities").isLessThan(0.08);
        assertThat(slq.cumulative(2)).as("fraction of eigenvalues below the gap").isCloseTo(200.0 / 300, within(0.05));
        // extreme Ritz values converge first: 40 steps pin the spectrum's ends
        assertThat(slq.highestNode()).isCloseTo(max(lambda), within(1e-3));
        assertThat(slq.lowestNode()).isCloseTo(-max(neg(lambda)), within(1e-3));
        double trace = 0;
        for (double l : lambda) trace += l * l;
        assertThat(slq.trace(t -> t * t)).as("tr A²").isCloseTo(trace, within(0.1 * trace));
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) m = Math.max(m, x);
        return m;
    }

    private static double[] neg(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) r[i] = -v[i];
        return r;
    }

    @Test
    void hutchinsonIsWithinAStatedToleranceOfTheTrace() {
        int n = 100;
        DMatrixRMaj a = TestMatrices.randomSymmetric(n, 31);
        for (int i = 0; i < n; i++) a.add(i, i, 2); // trace ≈ 200 + O(√n)
        double trace = 0;
        for (int i = 0; i < n; i++) trace += a.get(i, i);
        HutchinsonTrace.Estimate e = HutchinsonTrace.estimate(DenseOperator.of(a), 2000, Probes.RADEMACHER, new SplittableRandom(17));
        // Var of one Rademacher term = 2 Σ_{i≠j} a_ij² ≈ n² for this matrix, so se ≈ n/√2000 ≈ 2.2.
        assertThat(e.standardError()).isBetween(1.0, 4.0);
        assertThat(Math.abs(e.trace() - trace)).as("|estimate − trace| in standard errors").isLessThan(4 * e.standardError());
        assertThat(Math.abs(e.trace() - trace) / Math.abs(trace)).as("relative error").isLessThan(0.05);
        HutchinsonTrace.Estimate g = HutchinsonTrace.estimate(DenseOperator.of(a), 2000, Probes.GAUSSIAN, new SplittableRandom(18));
        assertThat(Math.abs(g.trace() - trace)).isLessThan(4 * g.standardError());
    }

    @Test
    void hutchinsonDiagonalIsExactForDiagonalMatricesWithRademacherProbes() {
        double[] d = {3, -1, 0.5, 7};
        double[] est = HutchinsonTrace.diagonal(DenseOperator.of(org.ejml.dense.row.CommonOps_DDRM.diag(d)), 3, Probes.RADEMACHER, new SplittableRandom(1));
        assertThat(est).containsExactly(d, within(1e-15));
    }

    @Test
    void powerIterationWithDeflationFindsTheDominantEigenvalues() {
        double[] lambda = new double[50];
        for (int i = 0; i < 50; i++) lambda[i] = 0.02 * i - 0.5;
        lambda[0] = 10;
        lambda[1] = -6;
        lambda[2] = 3;
        EigenPairs p = PowerIteration.dominant(DenseOperator.of(TestMatrices.withSpectrum(lambda, 3)), 3, 2000, 1e-12, new SplittableRandom(2));
        assertThat(p.converged()).isTrue();
        assertThat(p.values()).containsExactly(new double[] {10, 3, -6}, within(1e-8));
    }

    @Test
    void conditionNumberCountsOnlyNonZeroSingularValues() {
        double[] s = {8, 2, 0.5, 1e-17, 0};
        ConditionNumber c = ConditionNumber.ofSingularValues(s, ConditionNumber.defaultTolerance(5));
        assertThat(c.value()).isEqualTo(16);
        assertThat(c.rank()).isEqualTo(3);
        assertThat(c.smallestNonZero()).isEqualTo(0.5);
        // a looser tolerance drops 0.5 as well
        assertThat(ConditionNumber.ofSingularValues(s, 0.1).value()).isEqualTo(4);
        // from a symmetric indefinite matrix: σ = |λ|
        double[] lambda = new double[20];
        lambda[0] = 4;
        lambda[1] = -8;
        lambda[2] = 0.25;
        ConditionNumber fromMatrix = ConditionNumber.of(TestMatrices.withSpectrum(lambda, 6));
        assertThat(fromMatrix.value()).isCloseTo(32, within(1e-9));
        assertThat(fromMatrix.rank()).isEqualTo(3);
        assertThat(ConditionNumber.ofSingularValues(new double[] {0, 0}, 1e-10).value()).isNaN();
    }

    @Test
    void singularValuesOfARectangularMatrix() {
        DMatrixRMaj m = new DMatrixRMaj(new double[][] {{3, 0, 0}, {0, -5, 0}});
        assertThat(DenseSpectrum.singularValues(m)).containsExactly(5, 3);
    }
}
