package org.panopt.optim.kfac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.panopt.autograd.Autograd;
import org.panopt.nn.Activation;
import org.panopt.nn.loss.Loss;
import org.panopt.nn.loss.Reduction;
import org.panopt.nn.loss.SigmoidCrossEntropy;
import org.panopt.nn.models.Mlp;
import org.panopt.optim.ModuleObjective;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * uᵀFv from the forward-mode (double-vjp) pass times the loss's output Hessian (spec §4.3) against the true
 * Fisher of a small tanh network with logistic outputs, enumerated: F = (1/n) Σ_x Σ_y p(y|x) ∇ℓ(y)∇ℓ(y)ᵀ over
 * all 2^K binary targets y of each case.
 */
class ExactFisherProductsTest {
    static final int N = 5;
    static final int K = 3;

    final SplittableRandom rng = new SplittableRandom(4);
    final Mlp net = new Mlp(List.of(4, 5, K), Activation.Kind.TANH, true, DType.FLOAT64, rng);
    final Tensor x = Tensor.randn(rng, DType.FLOAT64, N, 4);
    final List<Tensor> params = net.parameters();

    int dim() {
        int d = 0;
        for (Tensor p : params) d += p.size();
        return d;
    }

    /** ∇θ of one case's summed loss against target y, flattened in parameter order. */
    double[] caseGradient(int c, double[] y) {
        Tensor out = net.forward(x.narrow(0, c, 1));
        Tensor loss = new SigmoidCrossEntropy(Reduction.SUM).loss(out, Tensor.of(y, 1, K));
        List<Tensor> g = Autograd.grad(List.of(loss), params, null, false);
        return flat(g);
    }

    static double[] flat(List<Tensor> ts) {
        List<Double> out = new ArrayList<>();
        for (Tensor t : ts) for (double v : t.toDoubleArray()) out.add(v);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    List<Tensor> unflat(double[] v) {
        List<Tensor> out = new ArrayList<>();
        int at = 0;
        for (Tensor p : params) {
            out.add(Tensor.of(java.util.Arrays.copyOfRange(v, at, at + p.size()), p.dims()));
            at += p.size();
        }
        return out;
    }

    /** The enumerated Fisher of the batch objective (1/n)Σ_x L_x, L_x summed over the case's K outputs. */
    double[][] enumeratedFisher() {
        int d = dim();
        double[][] f = new double[d][d];
        double[] p = Autograd.noGrad(() -> net.forward(x).sigmoid()).toDoubleArray();
        for (int c = 0; c < N; c++) {
            for (int bits = 0; bits < (1 << K); bits++) {
                double[] y = new double[K];
                double prob = 1;
                for (int j = 0; j < K; j++) {
                    y[j] = (bits >> j) & 1;
                    prob *= y[j] == 1 ? p[c * K + j] : 1 - p[c * K + j];
                }
                double[] g = caseGradient(c, y);
                for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) f[i][j] += prob * g[i] * g[j] / N;
            }
        }
        return f;
    }

    double product(Loss loss, double[] u, double[] v) {
        ModuleObjective obj = new ModuleObjective(net, loss, x, Tensor.zeros(DType.FLOAT64, N, K));
        int[] all = BatchRows.sample(N, N, rng);
        ExactFisherProducts fisher = ExactFisherProducts.on(obj, all);
        return fisher.product(fisher.jvp(unflat(u)), fisher.jvp(unflat(v)));
    }

    @Test
    void productsEqualTheEnumeratedFisher() {
        double[][] f = enumeratedFisher();
        for (int trial = 0; trial < 3; trial++) {
            double[] u = Tensor.randn(rng, DType.FLOAT64, dim()).toDoubleArray();
            double[] v = Tensor.randn(rng, DType.FLOAT64, dim()).toDoubleArray();
            double expected = QuadraticModelTest.dot(u, Dense.mul(f, v));
            double actual = product(new SigmoidCrossEntropy(Reduction.BATCH_MEAN), u, v);
            assertThat(actual).isCloseTo(expected, within(1e-10 * (1 + Math.abs(expected))));
        }
    }

    @Test
    void forwardModeEqualsDoubleVjp() {
        // Both routes to J·v: on an MLP (every activation kind), a CNN, and layers without bias.
        SplittableRandom r = new SplittableRandom(7);
        List<org.panopt.nn.Module> nets = new ArrayList<>();
        for (Activation.Kind kind : Activation.Kind.values()) nets.add(new Mlp(List.of(4, 5, 3), kind, true, DType.FLOAT64, r));
        nets.add(new Mlp(List.of(4, 5, 3), Activation.Kind.TANH, false, DType.FLOAT64, r));
        List<Tensor> inputs = new ArrayList<>();
        for (int i = 0; i < nets.size(); i++) inputs.add(Tensor.randn(r, DType.FLOAT64, 6, 4));
        nets.add(new org.panopt.nn.Sequential(new org.panopt.nn.Conv2d(2, 3, 3, 2, 1, 1, true, DType.FLOAT64, r), Activation.relu(),
                new org.panopt.nn.Conv2d(3, 2, 3, 1, 1, 1, false, DType.FLOAT64, r), Activation.sigmoid(), new org.panopt.nn.Flatten(),
                new org.panopt.nn.Linear(2 * 3 * 3, 3, true, DType.FLOAT64, r)));
        inputs.add(Tensor.randn(r, DType.FLOAT64, 4, 2, 5, 5));
        for (int i = 0; i < nets.size(); i++) {
            org.panopt.nn.Module n = nets.get(i);
            Tensor in = inputs.get(i);
            ModuleObjective obj = new ModuleObjective(n, new SigmoidCrossEntropy(Reduction.BATCH_MEAN), in, Tensor.zeros(DType.FLOAT64, in.dim(0), 3));
            int[] all = BatchRows.sample(in.dim(0), in.dim(0), r);
            ExactFisherProducts forward = ExactFisherProducts.on(obj, all, true);
            ExactFisherProducts reverse = ExactFisherProducts.on(obj, all, false);
            List<Tensor> tangent = new ArrayList<>();
            for (Tensor p : n.parameters()) tangent.add(Tensor.randn(r, DType.FLOAT64, p.dims()));
            Tensor a = forward.jvp(tangent);
            Tensor b = reverse.jvp(tangent);
            double diff = Autograd.noGrad(() -> a.sub(b).abs().max().item());
            assertThat(diff).as("network %d", i).isLessThan(1e-12 * (1 + Autograd.noGrad(() -> b.abs().max().item())));
        }
        assertThat(ForwardModeJvp.record(new org.panopt.nn.Sequential(new org.panopt.nn.Linear(2, 2, true, DType.FLOAT64, r),
                new org.panopt.nn.Dropout(0.5, r)), Tensor.zeros(DType.FLOAT64, 1, 2))).as("unsupported layers fall back").isNull();
    }

    @Test
    void productsFollowTheLossReduction() {
        // The Fisher is that of the objective as reduced: a mean over all N·K elements is 1/K of the
        // per-case-sum mean; a plain sum is N times it.
        double[] u = Tensor.randn(rng, DType.FLOAT64, dim()).toDoubleArray();
        double base = product(new SigmoidCrossEntropy(Reduction.BATCH_MEAN), u, u);
        assertThat(product(new SigmoidCrossEntropy(Reduction.MEAN), u, u)).isCloseTo(base / K, within(1e-12 * base));
        assertThat(product(new SigmoidCrossEntropy(Reduction.SUM), u, u)).isCloseTo(base * N, within(1e-10 * base));
    }
}
