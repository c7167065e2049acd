package org.panopt.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.panopt.backend.KernelTiming;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/** The engine's contract: accumulation, grad(), higher order, hooks, freeing and the error messages. */
class AutogradEngineTest {

    private static Tensor leaf(double... v) {
        return Tensor.of(v).requiresGrad(true);
    }

    @Test
    void backwardAccumulatesIntoLeavesAndZeroGradClears() {
        Tensor x = leaf(1, -2, 3);
        x.mul(x).sum().backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(2, -4, 6);
        x.mul(3).sum().backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(5, -1, 9);
        x.zeroGrad();
        assertThat(x.grad()).isNull();
    }

    @Test
    void aTensorUsedTwiceGetsBothContributions() {
        Tensor x = leaf(2);
        Tensor y = x.mul(x).add(x.exp());            // x² + eˣ
        y.backward();
        assertThat(x.grad().item()).isCloseTo(4 + Math.exp(2), within(1e-12));
    }

    @Test
    void gradReturnsGradientsWithoutTouchingLeafGrads() {
        Tensor x = leaf(1, 2);
        Tensor w = leaf(3, 4);
        Tensor loss = x.mul(w).sum();
        List<Tensor> g = Autograd.grad(List.of(loss), List.of(w), null, false);
        assertThat(g.getFirst().toDoubleArray()).containsExactly(1, 2);
        assertThat(x.grad()).isNull();
        assertThat(w.grad()).isNull();
    }

    @Test
    void gradWithRespectToAnIntermediateTensor() {
        Tensor x = leaf(1, 2);
        Tensor h = x.mul(2);
        Tensor loss = h.square().sum();
        assertThat(Autograd.grad(List.of(loss), List.of(h), null, false).getFirst().toDoubleArray()).containsExactly(4, 8);
    }

    @Test
    void createGraphGivesSecondAndThirdDerivatives() {
        Tensor x = leaf(0.7);
        Tensor y = x.mul(x).mul(x).sin();             // sin(x³)
        Tensor d1 = Autograd.grad(List.of(y), List.of(x), null, true).getFirst();
        Tensor d2 = Autograd.grad(List.of(d1), List.of(x), null, true).getFirst();
        Tensor d3 = Autograd.grad(List.of(d2), List.of(x), null, false).getFirst();
        double v = 0.7, c = Math.cos(v * v * v), s = Math.sin(v * v * v);
        assertThat(d1.item()).isCloseTo(3 * v * v * c, within(1e-12));
        assertThat(d2.item()).isCloseTo(6 * v * c - 9 * Math.pow(v, 4) * s, within(1e-12));
        assertThat(d3.item()).isCloseTo(6 * c - 54 * Math.pow(v, 3) * s - 27 * Math.pow(v, 6) * c, within(1e-10));
    }

    @Test
    void hvpOfAQuadraticIsTheMatrixTimesTheVector() {
        Tensor a = Tensor.of(new double[] {2, 1, 1, 3}, 2, 2);
        Tensor x = leaf(0.5, -1);
        Tensor loss = x.matmul(a).matmul(x).mul(0.5);          // ½ xᵀAx, A symmetric ⇒ H = A
        List<Tensor> hv = Autograd.hvp(loss, List.of(x), List.of(Tensor.of(new double[] {1, 2})));
        assertThat(hv.getFirst().toDoubleArray()).containsExactly(4, 7);
    }

    @Test
    void jvpEqualsTheJacobianTimesTheVector() {
        Tensor w = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor x = Tensor.of(new double[] {1, -1, 2});
        Tensor out = w.matmul(x);                               // ∂out_i/∂w_ij = x_j
        Tensor v = Tensor.of(new double[] {1, 0, 0, 0, 1, 1}, 2, 3);
        assertThat(Autograd.jvp(out, List.of(w), List.of(v)).toDoubleArray()).containsExactly(1, 1);
    }

    // A two-layer tanh net of two weight blocks, its loss, and a direction.
    private static final java.util.SplittableRandom NET_RNG = new java.util.SplittableRandom(12);
    private static final Tensor NET_X = Tensor.randn(NET_RNG, DType.FLOAT64, 6, 5);
    private static final List<Tensor> NET_V = List.of(Tensor.randn(NET_RNG, DType.FLOAT64, 4, 5), Tensor.randn(NET_RNG, DType.FLOAT64, 2, 4));

    private static List<Tensor> netWeights() {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(13);
        return List.of(Tensor.randn(rng, DType.FLOAT64, 4, 5).requiresGrad(true), Tensor.randn(rng, DType.FLOAT64, 2, 4).requiresGrad(true));
    }

    private static Tensor netLoss(List<Tensor> w) {
        return NET_X.matmul(w.get(0), false, true).tanh().matmul(w.get(1), false, true).square().mean();
    }

    // The textbook construction H·v = ∇⟨∇L, v⟩, through the scalar ⟨∇L, v⟩.
    private static List<Tensor> hvpThroughTheInnerProduct(List<Tensor> w) {
        List<Tensor> g = Autograd.grad(List.of(netLoss(w)), w, null, true);
        Tensor dot = g.get(0).mul(NET_V.get(0)).sum().add(g.get(1).mul(NET_V.get(1)).sum());
        return Autograd.grad(List.of(dot), w, null, false);
    }

    /**
     * Regression: hvp is one vector–Jacobian product of the recorded gradient with v. It used to differentiate the
     * scalar ⟨∇L, v⟩, which multiplies each block by v and back-propagates a parameter-sized tensor of ones through
     * the sum: the same numbers, with three extra parameter-sized elementwise passes per block.
     */
    @Test
    void hvpIsTheVectorJacobianProductOfTheGradientWithoutTheInnerProductsWork() {
        List<Tensor> w = netWeights();
        List<Tensor> expected = hvpThroughTheInnerProduct(w);
        KernelTiming.enable();
        List<Tensor> hv;
        long reference;
        long direct;
        try {
            KernelTiming.Snapshot s0 = KernelTiming.snapshot();
            hvpThroughTheInnerProduct(w);
            KernelTiming.Snapshot s1 = KernelTiming.snapshot();
            hv = Autograd.hvp(netLoss(w), w, NET_V);
            KernelTiming.Snapshot s2 = KernelTiming.snapshot();
            reference = s1.minus(s0).calls(KernelTiming.Category.ELEMENTWISE);
            direct = s2.minus(s1).calls(KernelTiming.Category.ELEMENTWISE);
        } finally {
            KernelTiming.disable();
        }
        for (int i = 0; i < w.size(); i++) {
            double[] a = hv.get(i).toDoubleArray();
            double[] e = expected.get(i).toDoubleArray();
            for (int j = 0; j < a.length; j++) assertThat(a[j]).as("block %d element %d", i, j).isCloseTo(e[j], within(1e-14 * (1 + Math.abs(e[j]))));
        }
        assertThat(direct).as("elementwise passes of hvp vs the inner-product construction").isLessThanOrEqualTo(reference - 3L * w.size());
    }

    @Test
    void hvpAndJvpNameAMismatchedDirection() {
        List<Tensor> w = netWeights();
        assertThatThrownBy(() -> Autograd.hvp(netLoss(w), w, List.of(NET_V.get(0))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hvp: 1 direction blocks for 2 tensors");
        assertThatThrownBy(() -> Autograd.hvp(netLoss(w), w, List.of(NET_V.get(1), NET_V.get(0))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("direction block 0 has shape [2, 4] but its tensor has shape [4, 5]");
        assertThatThrownBy(() -> Autograd.jvp(netLoss(w), w, List.of(NET_V.get(0))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jvp: 1 direction blocks");
    }

    @Test
    void hooksSeeAndMayReplaceTheGradient() {
        Tensor x = leaf(1, 2);
        Tensor h = x.mul(3);
        double[][] seen = new double[1][];
        h.registerHook(g -> {
            seen[0] = g.toDoubleArray();
            return g.mul(10);
        });
        h.sum().backward();
        assertThat(seen[0]).containsExactly(1, 1);
        assertThat(x.grad().toDoubleArray()).containsExactly(30, 30);
    }

    @Test
    void secondBackwardThroughAFreedGraphIsAnError() {
        Tensor x = leaf(1);
        Tensor y = x.exp();
        y.backward();
        assertThatThrownBy(y::backward).isInstanceOf(IllegalStateException.class).hasMessageContaining("freed")
                .hasMessageContaining("retainGraph");
        Tensor z = x.exp();
        z.backward(null, true, false);
        z.backward(null, false, false);
        assertThat(x.grad().item()).isCloseTo(3 * Math.E, within(1e-12)); // e from y, twice e from z
    }

    @Test
    void clearErrors() {
        assertThatThrownBy(() -> leaf(1, 2).mul(2).backward()).hasMessageContaining("one-element").hasMessageContaining("[2]");
        assertThatThrownBy(() -> Tensor.of(new double[] {1}).exp().backward()).hasMessageContaining("does not require a gradient");
        Tensor x = leaf(1);
        assertThatThrownBy(() -> Autograd.grad(List.of(x.exp()), List.of(Tensor.of(new double[] {1})), null, false))
                .hasMessageContaining("does not require a gradient");
        Tensor unused = leaf(5);
        assertThatThrownBy(() -> Autograd.grad(List.of(x.exp()), List.of(unused), null, false)).hasMessageContaining("not used");
        assertThatThrownBy(() -> x.exp().requiresGrad(false)).hasMessageContaining("leaf");
        assertThatThrownBy(() -> x.addInPlace(Tensor.of(new double[] {1}), 1)).hasMessageContaining("noGrad");
    }

    @Test
    void noGradAndDetachRecordNothing() {
        Tensor x = leaf(1, 2);
        Tensor y = Autograd.noGrad(() -> x.mul(2));
        assertThat(y.requiresGrad()).isFalse();
        assertThat(x.detach().mul(2).requiresGrad()).isFalse();
        Autograd.noGrad(() -> x.addInPlace(Tensor.of(new double[] {1, 1}), 1));
        assertThat(x.toDoubleArray()).containsExactly(2, 3);
        assertThat(x.to(DType.FLOAT32).mul(2).requiresGrad()).isTrue();
    }
}
