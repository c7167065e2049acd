package org.panopt.optim.adaptive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.panopt.optim.Objective;
import org.panopt.optim.Optimizer;
import org.panopt.optim.first.Adam;
import org.panopt.tensor.Tensor;

/** Baydin et al.'s SGD-HD and Adam-HD, two steps by hand on L(w) = ½ Σ λ_i w_i², λ = (1, 2, 3), w₀ = (1, 1, 1). */
class HypergradientDescentTest {

    @Test
    void sgdHdByHand() {
        Tensor w = RavautGortiTest.start();
        double a0 = 0.1;
        double beta = 0.01;
        Optimizer opt = Optimizer.of(AdaptiveRules.sgdHd().with("lr", a0, "hypergrad_lr", beta), List.of(w));
        Objective f = RavautGortiTest.quadratic(w);
        opt.step(f);
        // h₁ = 0: α₁ = α₀; g₀ = (1, 2, 3), w₁ = (0.9, 0.8, 0.7).
        assertThat(opt.learningRate()).isEqualTo(a0);
        assertThat(w.toDoubleArray()).containsExactly(new double[] {0.9, 0.8, 0.7}, within(1e-15));
        opt.step(f);
        // g₁ = (0.9, 1.6, 2.1), g₁·g₀ = 0.9 + 3.2 + 6.3 = 10.4; α₂ = 0.1 + 0.01·10.4 = 0.204; w₂ = w₁ − α₂ g₁.
        double a2 = 0.204;
        assertThat(opt.learningRate()).isCloseTo(a2, within(1e-15));
        assertThat(w.toDoubleArray()).containsExactly(new double[] {0.9 - a2 * 0.9, 0.8 - a2 * 1.6, 0.7 - a2 * 2.1}, within(1e-14));
    }

    @Test
    void adamHdByHandAndAdamWhenTheHypergradientRateIsZero() {
        Tensor w = RavautGortiTest.start();
        double a0 = 0.1;
        double beta = 0.001;
        Optimizer opt = Optimizer.of(AdaptiveRules.adamHd().with("lr", a0, "hypergrad_lr", beta), List.of(w));
        Objective f = RavautGortiTest.quadratic(w);
        opt.step(f);
        // Adam's first direction is m̂/(√v̂ + ε) = g/(|g| + ε) ≈ (1, 1, 1): w₁ = w₀ − 0.1·d₁.
        double[] g0 = {1, 2, 3};
        double[] d1 = new double[3];
        double[] w1 = new double[3];
        for (int i = 0; i < 3; i++) {
            d1[i] = g0[i] / (g0[i] + 1e-8);
            w1[i] = 1 - a0 * d1[i];
        }
        assertThat(w.toDoubleArray()).containsExactly(w1, within(1e-15));
        opt.step(f);
        // h₂ = −g₁·d₁ with g₁ = λw₁;  α₂ = α₁ − βh₂.
        double dot = 0;
        for (int i = 0; i < 3; i++) dot += RavautGortiTest.LAMBDA[i] * w1[i] * d1[i];
        assertThat(opt.learningRate()).isCloseTo(a0 + beta * dot, within(1e-15));

        Tensor a = RavautGortiTest.start();
        Tensor b = RavautGortiTest.start();
        Optimizer hd = Optimizer.of(AdaptiveRules.adamHd().with("lr", 0.05, "hypergrad_lr", 0.0), List.of(a));
        Optimizer adam = Optimizer.of(Adam.rule().with("lr", 0.05), List.of(b));
        for (int i = 0; i < 6; i++) {
            hd.step(RavautGortiTest.quadratic(a));
            adam.step(RavautGortiTest.quadratic(b));
        }
        assertThat(a.toDoubleArray()).containsExactly(b.toDoubleArray());
    }

    @Test
    void stateSurvivesSaveAndRestore() {
        Tensor a = RavautGortiTest.start();
        Optimizer opt = Optimizer.of(AdaptiveRules.sgdHd().with("lr", 0.05, "hypergrad_lr", 0.01, "momentum", 0.5, "nesterov", true), List.of(a));
        for (int i = 0; i < 3; i++) opt.step(RavautGortiTest.quadratic(a));
        var saved = opt.stateDict();
        Tensor b = Tensor.of(a.toDoubleArray(), 3).requiresGrad(true);
        for (int i = 0; i < 3; i++) opt.step(RavautGortiTest.quadratic(a));
        Optimizer resumed = Optimizer.of(AdaptiveRules.sgdHd().with("lr", 0.05, "hypergrad_lr", 0.01, "momentum", 0.5, "nesterov", true), List.of(b));
        resumed.loadStateDict(saved);
        for (int i = 0; i < 3; i++) resumed.step(RavautGortiTest.quadratic(b));
        assertThat(b.toDoubleArray()).containsExactly(a.toDoubleArray());
        assertThat(resumed.learningRate()).isEqualTo(opt.learningRate());
    }
}
