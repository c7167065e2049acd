package org.panopt.optim.adaptive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.panopt.optim.Objective;
import org.panopt.optim.Optimizer;
import org.panopt.tensor.Tensor;

/**
 * The Ravaut–Gorti rules on problems where f(η) is known in closed form: L(w) = ½ Σ λ_i w_i², λ = (1, 2, 3),
 * w₀ = (1, 1, 1), so g = λw and f(η) = ½ Σ λ_i w_i² (1 − ηλ_i)², minimized at η* = gᵀg / gᵀHg.
 */
class RavautGortiTest {
    static final double[] LAMBDA = {1, 2, 3};

    static Tensor start() {
        return Tensor.of(new double[] {1, 1, 1}, 3).requiresGrad(true);
    }

    static Objective quadratic(Tensor w) {
        Tensor l = Tensor.of(LAMBDA, 3);
        return Objective.of(List.of(w), () -> w.square().mul(l).sum().mul(0.5));
    }

    /** f(η) = L(w − η∇L(w)) for the quadratic, in double. */
    static double line(double[] w, double eta) {
        double s = 0;
        for (int i = 0; i < 3; i++) {
            double v = w[i] * (1 - eta * LAMBDA[i]);
            s += 0.5 * LAMBDA[i] * v * v;
        }
        return s;
    }

    static double exactMinimizer(double[] w) {
        double gg = 0;
        double gHg = 0;
        for (int i = 0; i < 3; i++) {
            double g = LAMBDA[i] * w[i];
            gg += g * g;
            gHg += LAMBDA[i] * g * g;
        }
        return gg / gHg;
    }

    @Test
    void secondOrderJumpsToTheExactMinimizerOfAQuadraticLineInOneStep() {
        Tensor w = start();
        Optimizer opt = Optimizer.of(AdaptiveRules.ravautGortiSecondOrder().with("lr", 0.05, "smoothing_threshold", 0.0), List.of(w));
        opt.step(quadratic(w));
        assertThat(opt.learningRate()).isCloseTo(exactMinimizer(new double[] {1, 1, 1}), within(1e-6)); // 14/36
        // The weight step used the old η.
        assertThat(w.toDoubleArray()).containsExactly(new double[] {1 - 0.05, 1 - 0.1, 1 - 0.15}, within(1e-15));
        RavautGorti.RgState s = (RavautGorti.RgState) ((org.panopt.optim.Chain.ChainState) opt.state(0)).links().get(1);
        assertThat(s.lossAtStep()).isCloseTo(line(new double[] {1, 1, 1}, 0.05), within(1e-15));
    }

    @Test
    void secondOrderWithDeltaAlwaysAddedFollowsEquation16() {
        Tensor w = start();
        double eta = 0.05;
        double eps = 1e-5;
        double delta = 1e-6;
        Optimizer opt = Optimizer.of(AdaptiveRules.ravautGortiSecondOrder().with("lr", eta), List.of(w));
        opt.step(quadratic(w));
        double[] w0 = {1, 1, 1};
        double num = line(w0, eta + eps) - line(w0, eta - eps);
        double den = line(w0, eta + 2 * eps) + line(w0, eta - 2 * eps) - 2 * line(w0, eta) + delta;
        assertThat(opt.learningRate()).isCloseTo(eta - 2 * eps * num / den, within(1e-10));
    }

    @Test
    void momentumOnTheLearningRate() {
        Tensor w = start();
        double beta = 0.9;
        Optimizer opt = Optimizer.of(AdaptiveRules.ravautGortiSecondOrder().with("lr", 0.05, "smoothing_threshold", 0.0, "eta_momentum", beta), List.of(w));
        Objective f = quadratic(w);
        opt.step(f);
        // Δ₁ = −s₁ with s₁ = η₀ − η*(w₀) (Newton is exact on a quadratic line), η₁ = η*(w₀).
        double eta1 = exactMinimizer(new double[] {1, 1, 1});
        double d1 = eta1 - 0.05;
        assertThat(opt.learningRate()).isCloseTo(eta1, within(1e-6));
        double[] w1 = w.toDoubleArray();
        opt.step(f);
        double s2 = eta1 - exactMinimizer(w1);
        assertThat(opt.learningRate()).isCloseTo(eta1 + beta * d1 - s2, within(1e-5));
    }

    @Test
    void aConcaveLineIsClampedAtDeltaAndNeverNegative() {
        // L(w) = −cos w at w = 3: f″ < 0, the unguarded Newton step drives η below zero; the clamp holds it at δ.
        Tensor w = Tensor.of(new double[] {3}, 1).requiresGrad(true);
        Optimizer opt = Optimizer.of(AdaptiveRules.ravautGortiSecondOrder().with("lr", 1.0, "smoothing_threshold", 0.0), List.of(w));
        opt.step(Objective.of(List.of(w), () -> w.cos().neg().sum()));
        assertThat(opt.learningRate()).isEqualTo(1e-6);
    }

    @Test
    void aProbeThatReturnsNaNLeavesEtaUnchanged() {
        // L(w) = log w at w = 1, η = 0.99999: the probe at η + 2ε evaluates log of a negative number.
        Tensor w = Tensor.of(new double[] {1}, 1).requiresGrad(true);
        Optimizer opt = Optimizer.of(AdaptiveRules.ravautGortiSecondOrder().with("lr", 0.99999), List.of(w));
        opt.step(Objective.of(List.of(w), () -> w.log().sum()));
        assertThat(opt.learningRate()).isEqualTo(0.99999);
        assertThat(w.item()).isCloseTo(1e-5, within(1e-15));
    }

    @Test
    void firstOrderFiniteDifferences() {
        Tensor w = start();
        double eta = 0.05;
        double alpha = 0.01;
        double eps = 1e-5;
        Optimizer opt = Optimizer.of(AdaptiveRules.ravautGortiFirstOrder(false).with("lr", eta, "meta_lr", alpha), List.of(w));
        opt.step(quadratic(w));
        double[] w0 = {1, 1, 1};
        double fPrime = (line(w0, eta + eps) - line(w0, eta - eps)) / (2 * eps);
        assertThat(opt.learningRate()).isCloseTo(eta - alpha * fPrime, within(1e-12));
        assertThat(fPrime).isCloseTo(-14 + eta * 36, within(1e-8)); // f′(η) = −gᵀg + η gᵀHg
    }

    @Test
    void firstOrderAnalyticIsBoundedHypergradientDescent() {
        Tensor a = start();
        Tensor b = start();
        Optimizer rg = Optimizer.of(AdaptiveRules.ravautGortiFirstOrder(true).with("lr", 0.05, "meta_lr", 0.01), List.of(a));
        Optimizer hd = Optimizer.of(AdaptiveRules.sgdHd().with("lr", 0.05, "hypergrad_lr", 0.01), List.of(b));
        Objective fa = quadratic(a);
        Objective fb = quadratic(b);
        for (int i = 0; i < 5; i++) {
            rg.step(fa);
            hd.step(fb);
        }
        assertThat(a.toDoubleArray()).containsExactly(b.toDoubleArray());
        assertThat(rg.learningRate()).isEqualTo(hd.learningRate());
        // With a large meta rate the RG rule's clamp keeps η ≥ δ where plain HD goes negative.
        Tensor c = start();
        Tensor d = start();
        Optimizer rgBig = Optimizer.of(AdaptiveRules.ravautGortiFirstOrder(true).with("lr", 0.6, "meta_lr", 1.0), List.of(c));
        Optimizer hdBig = Optimizer.of(AdaptiveRules.sgdHd().with("lr", 0.6, "hypergrad_lr", 1.0), List.of(d));
        rgBig.step(quadratic(c));
        hdBig.step(quadratic(d));
        rgBig.step(quadratic(c));
        hdBig.step(quadratic(d));
        assertThat(hdBig.learningRate()).isNegative();
        assertThat(rgBig.learningRate()).isEqualTo(1e-6);
    }

    @Test
    void etaHistoryRecordsEveryStep() {
        Tensor w = start();
        Optimizer opt = Optimizer.of(AdaptiveRules.ravautGortiSecondOrder().with("lr", 0.05, "smoothing_threshold", 0.0), List.of(w));
        EtaHistory history = new EtaHistory();
        for (int i = 0; i < 3; i++) {
            opt.step(quadratic(w));
            history.record(opt);
        }
        assertThat(history.entries()).hasSize(3);
        EtaHistory.Entry first = history.entries().getFirst();
        assertThat(first.step()).isEqualTo(1);
        assertThat(first.eta()).isCloseTo(14 / 36.0, within(1e-6));
        assertThat(first.lossAtStep()).isCloseTo(line(new double[] {1, 1, 1}, 0.05), within(1e-15));
        assertThat(first.curvature()).isCloseTo(4e-10 * 36, within(1e-15));
        assertThat(history.toCsv()).startsWith("step,eta,loss_at_step,eta_step,curvature\n1,");
        EtaHistory sgd = new EtaHistory();
        Optimizer plain = Optimizer.of(org.panopt.optim.first.Sgd.create(0.1), List.of(w));
        plain.step(quadratic(w));
        assertThat(sgd.record(plain).eta()).isEqualTo(0.1);
        assertThat(sgd.entries().getFirst().lossAtStep()).isNaN();
    }

    @Test
    void needsAnObjective() {
        Tensor w = start();
        Optimizer opt = Optimizer.of(AdaptiveRules.ravautGortiSecondOrder(), List.of(w));
        w.setGrad(Tensor.of(new double[] {1, 1, 1}, 3));
        assertThatThrownBy(opt::step).hasMessageContaining("Objective").hasMessageContaining("step(objective)");
        assertThat(w.toDoubleArray()).containsExactly(1, 1, 1);
    }

    @Test
    void learningRateCanBeSetWhileAdapting() {
        Tensor w = start();
        Optimizer opt = Optimizer.of(AdaptiveRules.ravautGortiSecondOrder().with("lr", 0.05), List.of(w));
        opt.step(quadratic(w));
        opt.setLearningRate(0.2);
        assertThat(opt.learningRate()).isEqualTo(0.2);
        double[] before = w.toDoubleArray();
        opt.step(quadratic(w));
        assertThat(w.toDoubleArray()[0]).isCloseTo(before[0] - 0.2 * before[0], within(1e-15));
    }
}
