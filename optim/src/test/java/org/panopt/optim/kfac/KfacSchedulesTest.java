package org.panopt.optim.kfac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The schedules of spec §3.5, §4.4–4.5, §6.1, §8.4 and the Levenberg–Marquardt rule. */
class KfacSchedulesTest {

    @Test
    void statisticsDecayGivesTheRunningMeanForTheFirstTwentyBatches() {
        double avg = 0;
        double sum = 0;
        for (int k = 1; k <= 20; k++) {
            double batch = Math.sin(k) * 10 + k; // any sequence
            double eps = KfacSchedules.statisticsDecay(k, 0.95);
            avg = eps * avg + (1 - eps) * batch;
            sum += batch;
            assertThat(avg).isCloseTo(sum / k, within(1e-12));
        }
        assertThat(KfacSchedules.statisticsDecay(20, 0.95)).isCloseTo(0.95, within(1e-15));
        assertThat(KfacSchedules.statisticsDecay(21, 0.95)).isEqualTo(0.95);
        assertThat(KfacSchedules.statisticsDecay(1000, 0.95)).isEqualTo(0.95);
        assertThatThrownBy(() -> KfacSchedules.statisticsDecay(0, 0.95)).hasMessageContaining("k = 0");
    }

    @Test
    void factorsAverageSymmetrically() {
        // X ← εX + (1 − ε)·sym(B) with sym(B) = (B + Bᵀ)/2, on a size that crosses the 64-wide tiles.
        java.util.SplittableRandom rng = new java.util.SplittableRandom(2);
        int n = 70;
        org.panopt.tensor.Tensor b1 = org.panopt.tensor.Tensor.randn(rng, org.panopt.tensor.DType.FLOAT64, n, n);
        org.panopt.tensor.Tensor b2 = org.panopt.tensor.Tensor.randn(rng, org.panopt.tensor.DType.FLOAT64, 3, 3);
        KroneckerFactors first = KroneckerFactors.EMPTY.decayedWith(new KroneckerFactors(b1, b2, null, null), 0);
        KroneckerFactors second = first.decayedWith(new KroneckerFactors(b1.mul(3), b2.mul(3), null, null), 0.5);
        double[][] sym = Dense.of(b1.add(b1.transpose()).mul(0.5));
        assertThat(Dense.maxAbsDiff(Dense.of(first.input()), sym)).isLessThan(1e-15);
        assertThat(Dense.maxAbsDiff(Dense.of(second.input()), KroneckerAlgebraTest.scale(sym, 2))).isLessThan(1e-14);
        assertThat(Dense.maxAbsDiff(Dense.of(second.input()), Dense.transpose(Dense.of(second.input())))).isZero();
    }

    @Test
    void multipliersAreThePapersValues() {
        assertThat(KfacSchedules.lambdaMultiplier(5)).isCloseTo(0.7738, within(5e-5));
        assertThat(KfacSchedules.gammaMultiplier(20)).isCloseTo(0.5987, within(5e-5));
        assertThat(KfacConfig.paper().lambdaDecay()).isEqualTo(KfacSchedules.lambdaMultiplier(5));
        assertThat(KfacConfig.paper().gammaDecay()).isEqualTo(KfacSchedules.gammaMultiplier(20));
        assertThat(KfacConfig.paper().initialGamma()).isCloseTo(Math.sqrt(150 + 1e-5), within(1e-12));
    }

    @Test
    void inversesAreRefreshedEarlyAndEveryT3() {
        List<Integer> at = new ArrayList<>();
        for (int k = 1; k <= 61; k++) if (KfacSchedules.refreshesInverse(k, 20, 3)) at.add(k);
        assertThat(at).containsExactly(1, 2, 3, 20, 40, 60);
    }

    @Test
    void growingBatchReachesTheWholeSetAtIteration500() {
        GrowingBatchSchedule s = GrowingBatchSchedule.paper(60000);
        assertThat(s.size(1)).isEqualTo(1000);
        assertThat(s.size(499)).isLessThan(60000);
        assertThat(s.size(500)).isEqualTo(60000);
        assertThat(s.size(10000)).isEqualTo(60000);
        int prev = 0;
        for (int k = 1; k <= 500; k++) {
            assertThat(s.size(k)).isGreaterThanOrEqualTo(prev);
            prev = s.size(k);
        }
        // Exponential: equal ratios over equal spans.
        double b = 499 / Math.log(60.0);
        assertThat(s.size(251)).isCloseTo((int) (1000 * Math.exp(250 / b)), within(1));
        assertThatThrownBy(() -> new GrowingBatchSchedule(100, 50, 500)).hasMessageContaining("dataset size 50");
    }

    @Test
    void levenbergMarquardtRule() {
        double w = KfacSchedules.lambdaMultiplier(5);
        assertThat(LevenbergMarquardt.adjust(10, 0.9, w, 0.25, 0.75, 1e-8, 1e8)).isCloseTo(10 * w, within(1e-12));
        assertThat(LevenbergMarquardt.adjust(10, 0.1, w, 0.25, 0.75, 1e-8, 1e8)).isCloseTo(10 / w, within(1e-12));
        assertThat(LevenbergMarquardt.adjust(10, 0.5, w, 0.25, 0.75, 1e-8, 1e8)).isEqualTo(10);
        assertThat(LevenbergMarquardt.adjust(10, Double.NaN, w, 0.25, 0.75, 1e-8, 1e8)).isCloseTo(10 / w, within(1e-12));
        assertThat(LevenbergMarquardt.adjust(1e-8, 1, w, 0.25, 0.75, 1e-8, 1e8)).isEqualTo(1e-8);
        // ρ: a loss that rose, or did not fall as predicted; no predicted decrease → NaN.
        assertThat(LevenbergMarquardt.ratio(-0.5, -1)).isEqualTo(0.5);
        assertThat(LevenbergMarquardt.ratio(Double.NaN, -1)).isNaN();
        assertThat(LevenbergMarquardt.ratio(-1, 0)).isNaN();
    }
}
