package org.panopt.optim.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.panopt.optim.Optimizer;
import org.panopt.optim.ParamGroup;
import org.panopt.optim.first.Sgd;
import org.panopt.tensor.Tensor;

/** Closed forms by hand, and the scheduler driving an optimizer's groups. */
class ScheduleTest {

    private static double[] values(Schedule s, double base, int n) {
        double[] out = new double[n];
        for (int t = 0; t < n; t++) out[t] = s.learningRate(t, base);
        return out;
    }

    @Test
    void closedForms() {
        assertThat(values(Schedule.step(2, 0.5), 1, 6)).containsExactly(1, 1, 0.5, 0.5, 0.25, 0.25);
        assertThat(values(Schedule.multiStep(new long[] {2, 5}, 0.1), 1, 6)).containsExactly(new double[] {1, 1, 0.1, 0.1, 0.1, 0.01}, within(1e-15));
        assertThat(Schedule.exponential(0.9).learningRate(3, 2)).isCloseTo(2 * 0.729, within(1e-15));
        assertThat(values(Schedule.inverseTime(2), 1, 3)).containsExactly(0.5, 1 / 3.0, 0.25);
        // warm-up 2 steps from 0.5·base, cosine to 0 at step 6, held after.
        assertThat(values(Schedule.cosineWithWarmup(2, 6, 0, 0.5), 1, 11))
                .containsExactly(new double[] {0.5, 0.75, 1, (1 + Math.cos(Math.PI / 4)) / 2, 0.5, (1 + Math.cos(3 * Math.PI / 4)) / 2, 0, 0, 0, 0, 0}, within(1e-15));
        assertThat(Schedule.cosineWithWarmup(0, 4, 0.1, 1).learningRate(2, 1.1)).isCloseTo(0.6, within(1e-15));
        assertThat(Schedule.constant().learningRate(99, 0.3)).isEqualTo(0.3);
    }

    @Test
    void badSchedulesAreRefused() {
        assertThatThrownBy(() -> Schedule.step(0, 0.5)).hasMessageContaining("step_size");
        assertThatThrownBy(() -> Schedule.multiStep(new long[] {3, 3}, 0.5)).hasMessageContaining("increasing");
        assertThatThrownBy(() -> Schedule.exponential(Double.NaN)).hasMessageContaining("gamma");
        assertThatThrownBy(() -> Schedule.inverseTime(0)).hasMessageContaining("beta");
        assertThatThrownBy(() -> Schedule.cosineWithWarmup(5, 5, 0, 0.1)).hasMessageContaining("warmup");
    }

    @Test
    void schedulerScalesEachGroupsBaseRate() {
        Tensor p = Tensor.of(new double[] {1}, 1).requiresGrad(true);
        Tensor q = Tensor.of(new double[] {1}, 1).requiresGrad(true);
        Optimizer opt = Optimizer.withGroups(Sgd.create(0.1), List.of(ParamGroup.of(List.of(p)), ParamGroup.of(List.of(q)).with("lr", 1.0)));
        LrScheduler s = new LrScheduler(opt, Schedule.step(1, 0.5));
        assertThat(opt.learningRate(1)).isEqualTo(1.0);
        s.step();
        s.step();
        assertThat(opt.learningRate(0)).isEqualTo(0.025);
        assertThat(opt.learningRate(1)).isEqualTo(0.25);
        var saved = s.stateDict();
        s.step();
        LrScheduler other = new LrScheduler(opt, Schedule.step(1, 0.5));
        other.loadStateDict(saved);
        assertThat(other.lastStep()).isEqualTo(2);
        assertThat(opt.learningRate(1)).isEqualTo(0.25);
    }
}
