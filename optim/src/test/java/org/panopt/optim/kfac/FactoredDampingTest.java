package org.panopt.optim.kfac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** π of the factored Tikhonov damping (spec §4.2): the minimizer of the trace-norm bound, guarded. */
class FactoredDampingTest {

    @Test
    void piMinimizesTheTraceNormBound() {
        SplittableRandom rng = new SplittableRandom(1);
        for (int trial = 0; trial < 20; trial++) {
            int dimA = 1 + rng.nextInt(50);
            int dimG = 1 + rng.nextInt(50);
            double trA = Math.exp(rng.nextDouble(-5, 5)) * dimA;
            double trG = Math.exp(rng.nextDouble(-5, 5)) * dimG;
            double gamma = Math.exp(rng.nextDouble(-4, 2));
            double pi = FactoredDamping.pi(trA, dimA, trG, dimG);
            double best = FactoredDamping.errorBound(pi, gamma, trA, dimA, trG, dimG);
            for (double f : new double[] {0.5, 0.9, 0.99, 1.01, 1.1, 2}) {
                assertThat(FactoredDamping.errorBound(pi * f, gamma, trA, dimA, trG, dimG)).isGreaterThan(best);
            }
            // The bound's derivative −(γ/π²)·dimG·trĀ + γ·dimA·trG vanishes at π.
            assertThat(-gamma / (pi * pi) * dimG * trA + gamma * dimA * trG).isCloseTo(0, within(1e-9 * best));
        }
    }

    @Test
    void piIsTheRatioOfAverageEigenvalues() {
        // Ā of size 3 (2 inputs + homogeneous coordinate) with trace 6: average 2; G of size 4 with trace 2: average 0.5.
        assertThat(FactoredDamping.pi(6, 3, 2, 4)).isCloseTo(2, within(1e-15));
    }

    @Test
    void vanishingOrNonFiniteTracesGiveOne() {
        assertThat(FactoredDamping.pi(0, 3, 2, 4)).isEqualTo(1);
        assertThat(FactoredDamping.pi(6, 3, 0, 4)).isEqualTo(1);
        assertThat(FactoredDamping.pi(Double.NaN, 3, 2, 4)).isEqualTo(1);
        assertThat(FactoredDamping.pi(6, 3, Double.POSITIVE_INFINITY, 4)).isEqualTo(1);
        assertThat(FactoredDamping.pi(1e300, 1, 1e-300, 1)).isEqualTo(1); // the ratio overflows
    }
}
