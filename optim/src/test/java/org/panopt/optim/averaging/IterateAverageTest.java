package org.panopt.optim.averaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.panopt.autograd.Autograd;
import org.panopt.optim.Objective;
import org.panopt.optim.Optimizer;
import org.panopt.optim.first.Sgd;
import org.panopt.tensor.Tensor;

class IterateAverageTest {

    private static void set(Tensor p, double... v) {
        Autograd.noGrad(() -> p.copyFrom(Tensor.of(v, v.length)));
    }

    @Test
    void polyakIsTheArithmeticMeanOfTheIterates() {
        Tensor p = Tensor.of(new float[] {0, 0}, 2).requiresGrad(true);
        PolyakAverage avg = new PolyakAverage(List.of(p));
        double[][] iterates = {{1, 10}, {2, 20}, {6, -3}};
        for (double[] it : iterates) {
            set(p, it);
            avg.update();
        }
        assertThat(avg.count()).isEqualTo(3);
        assertThat(avg.averages().getFirst().toDoubleArray()).containsExactly(new double[] {3, 9}, within(1e-12));
    }

    @Test
    void exponentialStartsFromTheFirstIterate() {
        Tensor p = Tensor.of(new double[] {0}, 1).requiresGrad(true);
        ExponentialAverage avg = new ExponentialAverage(List.of(p), 0.9);
        set(p, 1);
        avg.update();
        set(p, 2);
        avg.update();
        set(p, 4);
        avg.update();
        // 1 → 0.9·1 + 0.1·2 = 1.1 → 0.9·1.1 + 0.1·4 = 1.39
        assertThat(avg.averages().getFirst().item()).isCloseTo(1.39, within(1e-15));
        assertThatThrownBy(() -> new ExponentialAverage(List.of(p), 1.0)).hasMessageContaining("decay");
    }

    @Test
    void averagingSgdOnANoisyQuadraticLandsNearerTheOptimumAndSwappingRestoresExactly() {
        // f(θ) = ½θ² with a deterministic ±1 gradient perturbation: SGD with lr 0.5 jumps around 0 by ±0.5, the mean is ~0.
        Tensor p = Tensor.of(new double[] {3}, 1).requiresGrad(true);
        int[] k = {0};
        Objective f = Objective.of(List.of(p), () -> p.square().mul(0.5).add(p.mul((k[0]++ % 2 == 0) ? 1 : -1)).sum());
        Optimizer opt = Optimizer.of(Sgd.create(0.5), List.of(p));
        PolyakAverage avg = new PolyakAverage(List.of(p));
        for (int i = 0; i < 200; i++) {
            opt.step(f);
            if (i >= 100) avg.update();
        }
        double last = p.item();
        assertThat(Math.abs(last)).isGreaterThan(0.3);
        assertThat(Math.abs(avg.averages().getFirst().item())).isLessThan(0.05);
        double seen = avg.withAveraged(p::item);
        assertThat(seen).isCloseTo(avg.averages().getFirst().item(), within(1e-15));
        assertThat(p.item()).isEqualTo(last);
    }
}
