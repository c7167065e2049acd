package org.panopt.optim.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.panopt.optim.Optimizer;
import org.panopt.optim.first.Sgd;
import org.panopt.tensor.Tensor;

/** PyTorch's ReduceLROnPlateau rules, traced by hand epoch by epoch. */
class ReduceLrOnPlateauTest {

    private static Optimizer optimizer(double lr) {
        return Optimizer.of(Sgd.create(lr), List.of(Tensor.of(new double[] {1}, 1).requiresGrad(true)));
    }

    @Test
    void minRelativeWithCooldownAndFloor() {
        Optimizer opt = optimizer(1.0);
        ReduceLrOnPlateau r = ReduceLrOnPlateau.builder(opt).factor(0.5).patience(2)
                .threshold(0.1, ReduceLrOnPlateau.ThresholdMode.REL).cooldown(1).minLr(0.1).build();
        double[] metric = {10, 9.5, 9.2, 9.1, 9.0, 8.9, 8.9, Double.NaN, 8.9, 8.9, 8.9, 8.9, 8.9, 8.9, 8.9, 8.9, 8.9, 8.9, 8.9, 8.9, 8.9};
        // 10 sets best; 9.5, 9.2, 9.1 are not 10% better → 3 bad > patience 2 → 0.5 at epoch 4, cooldown 1;
        // epoch 5 in cooldown; 8.9 < 9.0 = 10·0.9 is better; 8.9, NaN, 8.9 bad → 0.25 at 9; cooldown 10;
        // 11–13 bad → 0.125; 14 cooldown; 15–17 bad → max(0.0625, 0.1) = 0.1; 18 cooldown; 19–21 → 0.1 (floor, no change).
        double[] expected = {1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.125, 0.125, 0.125, 0.125, 0.1, 0.1, 0.1, 0.1, 0.1};
        for (int e = 0; e < metric.length; e++) {
            r.step(metric[e]);
            assertThat(opt.learningRate()).as("after epoch %d", e + 1).isEqualTo(expected[e]);
        }
        assertThat(r.best()).isEqualTo(8.9);
    }

    @Test
    void maxAbsoluteAsTheScaleAmendedExperimentUsesIt() {
        Optimizer opt = optimizer(0.1);
        ReduceLrOnPlateau r = ReduceLrOnPlateau.builder(opt).mode(ReduceLrOnPlateau.Mode.MAX).factor(0.5).patience(1)
                .threshold(0.01, ReduceLrOnPlateau.ThresholdMode.ABS).build();
        double[] acc = {0.50, 0.60, 0.605, 0.61, 0.615, 0.70};
        // 0.605 not > 0.61 (bad 1), 0.61 not > 0.61 (bad 2 > 1 → 0.05), 0.615 > 0.61 better, 0.70 better.
        double[] expected = {0.1, 0.1, 0.1, 0.05, 0.05, 0.05};
        for (int e = 0; e < acc.length; e++) {
            r.step(acc[e]);
            assertThat(opt.learningRate()).as("after epoch %d", e + 1).isEqualTo(expected[e]);
        }
        var saved = r.stateDict();
        assertThat(saved).containsEntry("best", 0.70).containsEntry("num_bad_epochs", 0.0).containsEntry("last_epoch", 6.0);
        ReduceLrOnPlateau other = ReduceLrOnPlateau.builder(opt).mode(ReduceLrOnPlateau.Mode.MAX).build();
        other.loadStateDict(saved);
        assertThat(other.best()).isEqualTo(0.70);
    }

    @Test
    void badOptionsAreRefused() {
        Optimizer opt = optimizer(0.1);
        assertThatThrownBy(() -> ReduceLrOnPlateau.builder(opt).factor(1.0).build()).hasMessageContaining("factor");
        assertThatThrownBy(() -> ReduceLrOnPlateau.builder(opt).patience(-1).build()).hasMessageContaining("patience");
        assertThatThrownBy(() -> ReduceLrOnPlateau.builder(opt).minLrs(List.of(0.1, 0.2)).build()).hasMessageContaining("min_lrs");
    }
}
