package org.panopt.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * Properties beyond single-op gradients: piecewise-constant results carry no gradient, the Hessian of a
 * small tanh network is symmetric and equals differences of its gradient, its third derivatives match
 * differences of its Hessian, and erf is accurate to 1e-15.
 */
class DerivativePropertiesTest {

    @Test
    void comparisonsSignStepAndArgReductionsDoNotRequireGrad() {
        Tensor x = Tensor.of(new double[] {-1.5, 0.5, 2, -0.25, 3, 1}, 2, 3).requiresGrad(true);
        Tensor y = Tensor.of(new double[] {0.5, 0.5, 1}).requiresGrad(true);
        List<Tensor> constant = List.of(x.eq(y), x.ne(y), x.lt(y), x.le(y), x.gt(y), x.ge(y),
                x.eq(0.5), x.ne(0.5), x.lt(0.5), x.le(0.5), x.gt(0.5), x.ge(0.5),
                x.sign(), x.step(), x.argmax(1, false), x.argmin(0, true), x.exp().argmax(-1, true));
        for (int i = 0; i < constant.size(); i++) {
            assertThat(constant.get(i).requiresGrad()).as("result %d", i).isFalse();
            assertThat(constant.get(i).gradFn()).as("result %d", i).isNull();
        }
        // A mask built from x is a constant factor: d/dx Σ x·[x > 0] = [x > 0].
        x.mul(x.gt(0)).sum().backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(0, 1, 1, 0, 1, 1);
    }

    // ---- a 2-layer tanh network, L(w1, w2) = mean((tanh(X·w1)·w2 − Y)²), w1: 3×4, w2: 4×2
    private static final SplittableRandom RNG = new SplittableRandom(2024);
    private static final Tensor X = Tensor.randn(RNG, DType.FLOAT64, 5, 3);
    private static final Tensor Y = Tensor.randn(RNG, DType.FLOAT64, 5, 2);

    private static Tensor loss(List<Tensor> w) {
        return X.matmul(w.get(0)).tanh().matmul(w.get(1)).sub(Y).square().mean();
    }

    private static List<Tensor> weights() {
        SplittableRandom rng = new SplittableRandom(7);
        return List.of(Tensor.randn(rng, DType.FLOAT64, 3, 4).requiresGrad(true), Tensor.randn(rng, DType.FLOAT64, 4, 2).requiresGrad(true));
    }

    private static List<Tensor> direction(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return List.of(Tensor.randn(rng, DType.FLOAT64, 3, 4), Tensor.randn(rng, DType.FLOAT64, 4, 2));
    }

    private static double dot(List<Tensor> a, List<Tensor> b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) s += a.get(i).mul(b.get(i)).sum().item();
        return s;
    }

    @Test
    void hessianVectorProductsAreSymmetricAndMatchGradientDifferences() {
        List<Tensor> w = weights();
        List<Tensor> u = direction(1);
        List<Tensor> v = direction(2);
        List<Tensor> hv = Autograd.hvp(loss(w), w, v);
        List<Tensor> hu = Autograd.hvp(loss(w), w, u);
        double uHv = dot(u, hv);
        double vHu = dot(v, hu);
        assertThat(Math.abs(uHv)).isGreaterThan(1e-3); // not trivially zero
        assertThat(uHv).isCloseTo(vHu, within(1e-12 * Math.abs(uHv)));

        // H·v ≈ (∇L(w + h·v) − ∇L(w − h·v)) / 2h
        double h = 1e-6;
        List<Tensor> plus = gradientAt(w, v, h);
        List<Tensor> minus = gradientAt(w, v, -h);
        for (int i = 0; i < w.size(); i++) {
            double[] fd = plus.get(i).sub(minus.get(i)).div(2 * h).toDoubleArray();
            double[] exact = hv.get(i).toDoubleArray();
            for (int j = 0; j < fd.length; j++) assertThat(exact[j]).as("block %d element %d", i, j).isCloseTo(fd[j], within(1e-7 + 1e-5 * Math.abs(fd[j])));
        }
    }

    private static List<Tensor> gradientAt(List<Tensor> w, List<Tensor> v, double h) {
        List<Tensor> shifted = new ArrayList<>();
        for (int i = 0; i < w.size(); i++) {
            Tensor wi = w.get(i).detach();
            Tensor vi = v.get(i);
            shifted.add(Autograd.noGrad(() -> wi.add(vi.mul(h))).requiresGrad(true));
        }
        return Autograd.grad(List.of(loss(shifted)), shifted, null, false);
    }

    // ∇L(w) as one vector, recorded (createGraph) when w requires grad; inside GradCheck's no-grad evaluations, on fresh leaves.
    private static Tensor gradient(List<Tensor> w) {
        List<Tensor> ws = w.get(0).requiresGrad() ? w : w.stream().map(t -> t.detach().requiresGrad(true)).toList();
        return GradMode.with(true, () -> {
            List<Tensor> g = Autograd.grad(List.of(loss(ws)), ws, null, true);
            return Tensor.concat(0, g.get(0).flatten(), g.get(1).flatten());
        });
    }

    @Test
    void secondAndThirdDerivativesOfTheNetworkMatchFiniteDifferences() {
        List<Tensor> w = weights().stream().map(Tensor::detach).toList();
        GradCheck.gradCheck(DerivativePropertiesTest::gradient, w);     // Hessian vs differences of the gradient
        GradCheck.gradGradCheck(DerivativePropertiesTest::gradient, w); // third derivatives vs differences of Hessian products
    }

    @Test
    void erfMatchesReferenceValuesTo1e15() {
        double[] x = {0.5, 1, 2, 3, -1.5, 0};
        double[] expected = {0.5204998778130465, 0.8427007929497149, 0.9953222650189527, 0.9999779095030014, -0.9661051464753108, 0};
        double[] got = Tensor.of(x).erf().toDoubleArray();
        for (int i = 0; i < x.length; i++) assertThat(got[i]).as("erf(%s)", x[i]).isCloseTo(expected[i], within(1e-15));
    }
}
