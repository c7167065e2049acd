package org.panopt.optim.first;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.panopt.optim.Objective;
import org.panopt.optim.Optimizer;
import org.panopt.tensor.Tensor;

/** SGD against steps worked out by hand from torch.optim.SGD's rule, on f(θ) = ½(θ₁² + 3θ₂²), θ₀ = (1, −2). */
class SgdTest {

    private static double[] run(Sgd rule, int steps) {
        Tensor theta = Tensor.of(new double[] {1, -2}, 2).requiresGrad(true);
        Tensor a = Tensor.of(new double[] {1, 3}, 2);
        Optimizer opt = Optimizer.of(rule, List.of(theta));
        Objective f = Objective.of(List.of(theta), () -> theta.square().mul(a).sum().mul(0.5));
        for (int i = 0; i < steps; i++) opt.step(f);
        return theta.toDoubleArray();
    }

    @Test
    void plainStep() {
        // g = (1, −6); θ₁ = θ₀ − 0.1 g.
        assertThat(run(Sgd.create(0.1), 1)).containsExactly(new double[] {0.9, -1.4}, within(1e-15));
    }

    @Test
    void momentumStartsWithTheGradientItself() {
        // b₁ = g₁ = (1, −6) → θ₁ = (0.9, −1.4); g₂ = (0.9, −4.2), b₂ = 0.9 b₁ + g₂ = (1.8, −9.6) → θ₂ = (0.72, −0.44).
        assertThat(run(Sgd.builder().lr(0.1).momentum(0.9).build(), 2)).containsExactly(new double[] {0.72, -0.44}, within(1e-14));
    }

    @Test
    void nesterov() {
        // d₁ = g₁ + 0.9 b₁ = (1.9, −11.4) → θ₁ = (0.81, −0.86); g₂ = (0.81, −2.58), b₂ = (1.71, −7.98),
        // d₂ = (2.349, −9.762) → θ₂ = (0.5751, 0.1162).
        assertThat(run(Sgd.builder().lr(0.1).momentum(0.9).nesterov(true).build(), 2)).containsExactly(new double[] {0.5751, 0.1162}, within(1e-14));
    }

    @Test
    void dampeningSkipsTheFirstStepAndWeightDecayIsCoupled() {
        // g₁ = aθ + 0.1θ = (1.1, −6.2) = b₁ → θ₁ = (0.89, −1.38); g₂ = (0.979, −4.278),
        // b₂ = 0.9 b₁ + 0.5 g₂ = (1.4795, −7.719) → θ₂ = (0.74205, −0.6081).
        Sgd rule = Sgd.builder().lr(0.1).momentum(0.9).dampening(0.5).weightDecay(0.1).build();
        assertThat(run(rule, 2)).containsExactly(new double[] {0.74205, -0.6081}, within(1e-14));
    }

    @Test
    void sutskeverWithConstantMomentumIsPyTorchNesterovInLookAheadCoordinates() {
        List<Tensor> a = FirstOrderGoldenTest.params();
        List<Tensor> b = FirstOrderGoldenTest.params();
        Optimizer sutskever = Optimizer.of(SutskeverNesterov.rule().with("lr", 0.02, "momentum", 0.85, "schedule", false), a);
        Optimizer torch = Optimizer.of(Sgd.builder().lr(0.02).momentum(0.85).nesterov(true).build(), b);
        for (int i = 0; i < 20; i++) {
            sutskever.step(FirstOrderGoldenTest.objective(a));
            torch.step(FirstOrderGoldenTest.objective(b));
        }
        assertThat(FirstOrderGoldenTest.flat(a)).containsExactly(FirstOrderGoldenTest.flat(b), within(1e-12));
        SutskeverNesterov rule = new SutskeverNesterov(0.02, 0.9, true);
        assertThat(rule.momentum(0)).isEqualTo(0.5);
        assertThat(rule.momentum(249)).isEqualTo(0.5);
        assertThat(rule.momentum(250)).isEqualTo(0.75);
        assertThat(rule.momentum(500)).isCloseTo(1 - 1 / 6.0, within(1e-15));
        assertThat(rule.momentum(5000)).isEqualTo(0.9);
    }

    @Test
    void badHyperParametersAreRefusedByName() {
        assertThatThrownBy(() -> Sgd.create(-0.1)).hasMessageContaining("lr").hasMessageContaining("-0.1");
        assertThatThrownBy(() -> Sgd.create(Double.NaN)).hasMessageContaining("lr").hasMessageContaining("NaN");
        assertThatThrownBy(() -> Sgd.builder().momentum(1.0).build()).hasMessageContaining("momentum").hasMessageContaining("[0, 1)");
        assertThatThrownBy(() -> Sgd.builder().momentum(-0.5).build()).hasMessageContaining("momentum");
        assertThatThrownBy(() -> Sgd.builder().nesterov(true).build()).hasMessageContaining("Nesterov");
        assertThatThrownBy(() -> Sgd.builder().weightDecay(-1).build()).hasMessageContaining("weight_decay");
    }
}
