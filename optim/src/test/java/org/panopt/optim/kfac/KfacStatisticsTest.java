package org.panopt.optim.kfac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.panopt.autograd.Autograd;
import org.panopt.nn.Activation;
import org.panopt.nn.Conv2d;
import org.panopt.nn.Flatten;
import org.panopt.nn.Linear;
import org.panopt.nn.Module;
import org.panopt.nn.Sequential;
import org.panopt.nn.loss.Loss;
import org.panopt.nn.loss.Reduction;
import org.panopt.nn.loss.SigmoidCrossEntropy;
import org.panopt.nn.loss.SoftmaxCrossEntropy;
import org.panopt.nn.models.Mlp;
import org.panopt.optim.ModuleObjective;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * The statistics pass (spec §3): Ā with the homogeneous coordinate, G from per-case derivatives whatever the
 * loss's reduction, the sampled-target G's mean approaching the true conditional expectation, and the KFC
 * factors of a convolution — each against a direct computation.
 */
class KfacStatisticsTest {
    static final int N = 6;
    static final int K = 3;

    final SplittableRandom rng = new SplittableRandom(8);
    final Mlp net = new Mlp(List.of(4, 5, K), Activation.Kind.TANH, true, DType.FLOAT64, rng);
    final Tensor x = Tensor.randn(rng, DType.FLOAT64, N, 4);
    final Tensor y = Tensor.rand(rng, 0, 1, DType.FLOAT64, N, K);

    List<KfacLayer> layers(Module m) {
        List<Tensor> distinct = new ArrayList<>();
        for (Tensor p : m.parameters()) if (distinct.stream().noneMatch(q -> q == p)) distinct.add(p);
        return KfacLayer.discover(m, distinct, false).layers();
    }

    List<KroneckerFactors> collect(Module m, Loss loss, Tensor in, Tensor target, int[] cases, KfacStatistics.Targets t, long seed) {
        return KfacStatistics.collect(new ModuleObjective(m, loss, in, target), layers(m), cases, t, false, new SplittableRandom(seed));
    }

    static int[] all(int n) {
        int[] c = new int[n];
        for (int i = 0; i < n; i++) c[i] = i;
        return c;
    }

    /** Per-case ā rows (with a 1 appended) and ∂L_case/∂s rows of each Linear layer, by autograd. */
    List<double[][]> direct(Module m, Tensor in, Tensor target, int[] cases, boolean activations) {
        List<Linear> lins = m.modules().stream().filter(q -> q instanceof Linear).map(q -> (Linear) q).toList();
        List<double[][]> out = new ArrayList<>();
        for (int i = 0; i < lins.size(); i++) out.add(new double[cases.length][]);
        for (int c = 0; c < cases.length; c++) {
            Tensor[] ins = new Tensor[lins.size()];
            Tensor[] outs = new Tensor[lins.size()];
            List<Module.HookHandle> hs = new ArrayList<>();
            for (int i = 0; i < lins.size(); i++) {
                int at = i;
                hs.add(lins.get(i).registerForwardHook((mod, a, s) -> {
                    ins[at] = a;
                    outs[at] = s;
                }));
            }
            Tensor z = m.forward(in.narrow(0, cases[c], 1));
            hs.forEach(Module.HookHandle::remove);
            Tensor l = new SigmoidCrossEntropy(Reduction.SUM).loss(z, target.narrow(0, cases[c], 1));
            List<Tensor> gs = Autograd.grad(List.of(l), List.of(outs), null, false);
            for (int i = 0; i < lins.size(); i++) {
                double[] row = activations ? ins[i].toDoubleArray() : gs.get(i).toDoubleArray();
                if (activations) {
                    row = java.util.Arrays.copyOf(row, row.length + 1);
                    row[row.length - 1] = 1;
                }
                out.get(i)[c] = row;
            }
        }
        return out;
    }

    static double[][] meanOuter(double[][] rows) {
        int d = rows[0].length;
        double[][] out = new double[d][d];
        for (double[] r : rows) for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) out[i][j] += r[i] * r[j] / rows.length;
        return out;
    }

    @Test
    void factorsArePerCaseSecondMoments() {
        int[] s1 = {0, 2, 3, 5}; // a subset of the batch: G is still per case, not rescaled by the batch size
        List<KroneckerFactors> f = collect(net, new SigmoidCrossEntropy(Reduction.BATCH_MEAN), x, y, s1, KfacStatistics.Targets.EMPIRICAL, 1);
        List<double[][]> a = direct(net, x, y, s1, true);
        List<double[][]> g = direct(net, x, y, s1, false);
        for (int i = 0; i < 2; i++) {
            assertThat(Dense.maxAbsDiff(Dense.of(f.get(i).input()), meanOuter(a.get(i)))).isLessThan(1e-13);
            assertThat(Dense.maxAbsDiff(Dense.of(f.get(i).output()), meanOuter(g.get(i)))).isLessThan(1e-13);
            assertThat(f.get(i).input().at(f.get(i).input().dim(0) - 1, f.get(i).input().dim(0) - 1)).isEqualTo(1.0);
        }
    }

    static double[][] meanCross(double[][] rows, double[][] next) {
        double[][] out = new double[rows[0].length][next[0].length];
        for (int c = 0; c < rows.length; c++)
            for (int i = 0; i < out.length; i++) for (int j = 0; j < out[0].length; j++) out[i][j] += rows[c][i] * next[c][j] / rows.length;
        return out;
    }

    @Test
    void decayComputesTheBatchProductsIntoTheRunningAverageWithCrossMoments() {
        // X ← ε·X + (1 − ε)·X^batch, the batch products (and the tridiagonal cross moments) formed inside the update.
        ModuleObjective objective = new ModuleObjective(net, new SigmoidCrossEntropy(Reduction.BATCH_MEAN), x, y);
        int[] first = {0, 1, 4};
        int[] second = {1, 2, 3, 5};
        List<KroneckerFactors> f1 = KfacStatistics.decay(List.of(), KfacStatistics.rows(objective, layers(net), first,
                KfacStatistics.Targets.EMPIRICAL, true, new SplittableRandom(1)), true, 0.9); // the first estimate ignores ε
        double eps = 0.3;
        List<KroneckerFactors> f2 = KfacStatistics.decay(f1, KfacStatistics.rows(objective, layers(net), second,
                KfacStatistics.Targets.EMPIRICAL, true, new SplittableRandom(1)), true, eps);
        List<double[][]> a1 = direct(net, x, y, first, true);
        List<double[][]> g1 = direct(net, x, y, first, false);
        List<double[][]> a2 = direct(net, x, y, second, true);
        List<double[][]> g2 = direct(net, x, y, second, false);
        for (int i = 0; i < 2; i++) {
            double[][] aExp = Dense.add(Dense.add(meanOuter(a1.get(i)), meanOuter(a1.get(i)), eps - 1), meanOuter(a2.get(i)), 1 - eps);
            double[][] gExp = Dense.add(Dense.add(meanOuter(g1.get(i)), meanOuter(g1.get(i)), eps - 1), meanOuter(g2.get(i)), 1 - eps);
            assertThat(Dense.maxAbsDiff(Dense.of(f1.get(i).input()), meanOuter(a1.get(i)))).isLessThan(1e-13);
            assertThat(Dense.maxAbsDiff(Dense.of(f2.get(i).input()), aExp)).isLessThan(1e-13);
            assertThat(Dense.maxAbsDiff(Dense.of(f2.get(i).output()), gExp)).isLessThan(1e-13 * (1 + Dense.maxAbs(gExp)));
        }
        // Cross moments of layer 0 with layer 1: Ā_{0,1} = E[ā₀ā₁ᵀ], G_{1,2} = E[g₁g₂ᵀ]; none for the last layer.
        double[][] acExp = Dense.add(Dense.add(meanCross(a1.get(0), a1.get(1)), meanCross(a1.get(0), a1.get(1)), eps - 1),
                meanCross(a2.get(0), a2.get(1)), 1 - eps);
        double[][] gcExp = Dense.add(Dense.add(meanCross(g1.get(0), g1.get(1)), meanCross(g1.get(0), g1.get(1)), eps - 1),
                meanCross(g2.get(0), g2.get(1)), 1 - eps);
        assertThat(f2.get(0).inputCross().dims()).containsExactly(5, 6);
        assertThat(Dense.maxAbsDiff(Dense.of(f2.get(0).inputCross()), acExp)).isLessThan(1e-13);
        assertThat(Dense.maxAbsDiff(Dense.of(f2.get(0).outputCross()), gcExp)).isLessThan(1e-13 * (1 + Dense.maxAbs(gcExp)));
        assertThat(f2.get(1).inputCross()).isNull();
        // The previous estimates are left as they were (the state is immutable).
        assertThat(Dense.maxAbsDiff(Dense.of(f1.get(0).input()), meanOuter(a1.get(0)))).isLessThan(1e-13);
    }

    @Test
    void outputFactorFollowsTheLossReduction() {
        // The same samples (same seed, same logits): MEAN over N·K elements is 1/K of BATCH_MEAN's objective, SUM is N times.
        int[] s = all(N);
        Tensor base = collect(net, new SigmoidCrossEntropy(Reduction.BATCH_MEAN), x, y, s, KfacStatistics.Targets.SAMPLED, 5).get(0).output();
        Tensor mean = collect(net, new SigmoidCrossEntropy(Reduction.MEAN), x, y, s, KfacStatistics.Targets.SAMPLED, 5).get(0).output();
        Tensor sum = collect(net, new SigmoidCrossEntropy(Reduction.SUM), x, y, s, KfacStatistics.Targets.SAMPLED, 5).get(0).output();
        assertThat(Dense.maxAbsDiff(Dense.of(mean.mul(K)), Dense.of(base))).isLessThan(1e-12);
        assertThat(Dense.maxAbsDiff(Dense.of(sum.div(N)), Dense.of(base))).isLessThan(1e-12);
    }

    @Test
    void softmaxCrossEntropysMeanIsItsBatchMean() {
        // One value per case: MEAN divides by N, like BATCH_MEAN — the same objective, so the same factors
        // (G was K times too large when the divisor was taken over the N·K logits).
        int[] s = all(N);
        Tensor labels = Tensor.of(new double[] {0, 2, 1, 1, 0, 2});
        for (KfacStatistics.Targets t : KfacStatistics.Targets.values()) {
            List<KroneckerFactors> mean = collect(net, new SoftmaxCrossEntropy(Reduction.MEAN), x, labels, s, t, 5);
            List<KroneckerFactors> batchMean = collect(net, new SoftmaxCrossEntropy(Reduction.BATCH_MEAN), x, labels, s, t, 5);
            for (int i = 0; i < 2; i++) {
                assertThat(Dense.maxAbsDiff(Dense.of(mean.get(i).output()), Dense.of(batchMean.get(i).output()))).as("%s G of layer %d", t, i).isLessThan(1e-15);
                assertThat(Dense.maxAbsDiff(Dense.of(mean.get(i).input()), Dense.of(batchMean.get(i).input()))).isZero();
            }
        }
    }

    @Test
    void sampledOutputFactorsAverageToTheTrueFisherFactors() {
        // E_ŷ[g gᵀ | x] for the output layer is diag(p(1 − p)); for the hidden layer Jᵀ diag(p(1 − p)) J with
        // J = ∂z/∂s₁ = W₂ diag(1 − tanh²(s₁)).
        // One pass over 600 copies of each case averages 600 draws per case.
        int copies = 600;
        Tensor[] reps = new Tensor[copies];
        java.util.Arrays.fill(reps, x);
        Tensor xs = Tensor.concat(0, reps);
        List<KroneckerFactors> f = collect(net, new SigmoidCrossEntropy(Reduction.BATCH_MEAN), xs, Tensor.zeros(DType.FLOAT64, N * copies, K),
                all(N * copies), KfacStatistics.Targets.SAMPLED, 21);
        double[][] sumOut = Dense.of(f.get(1).output());
        double[][] sumHidden = Dense.of(f.get(0).output());
        double[][] expOut = new double[K][K];
        double[][] expHidden = new double[5][5];
        Linear l1 = (Linear) net.get(0);
        Linear l2 = (Linear) net.get(2);
        double[][] w2 = Dense.of(l2.weight());
        Autograd.noGrad(() -> {
            Tensor s1 = l1.forward(x);
            double[] p = net.forward(x).sigmoid().toDoubleArray();
            double[] t = s1.tanh().toDoubleArray();
            for (int c = 0; c < N; c++) {
                double[][] fr = new double[K][K];
                for (int j = 0; j < K; j++) fr[j][j] = p[c * K + j] * (1 - p[c * K + j]) / N;
                for (int j = 0; j < K; j++) expOut[j][j] += fr[j][j];
                double[][] jac = new double[K][5];
                for (int j = 0; j < K; j++) for (int h = 0; h < 5; h++) jac[j][h] = w2[j][h] * (1 - t[c * 5 + h] * t[c * 5 + h]);
                double[][] term = Dense.mul(Dense.mul(Dense.transpose(jac), fr), jac);
                for (int i = 0; i < 5; i++) for (int j = 0; j < 5; j++) expHidden[i][j] += term[i][j];
            }
            return null;
        });
        assertThat(Dense.maxAbsDiff(sumOut, expOut)).isLessThan(0.05 * Dense.maxAbs(expOut));
        assertThat(Dense.maxAbsDiff(sumHidden, expHidden)).isLessThan(0.05 * Dense.maxAbs(expHidden));
    }

    @Test
    void convolutionFactorsAreTheKfcMoments() {
        // Ω = (1/n) Σ_x Σ_t ā_t ā_tᵀ over the zero-padded 3×3 patches (homogeneous coordinate last), Γ = (1/(nT)) Σ_x Σ_t g_t g_tᵀ.
        SplittableRandom r = new SplittableRandom(2);
        Conv2d conv = new Conv2d(2, 3, 3, 1, 1, 1, true, DType.FLOAT64, r);
        Sequential cnn = new Sequential(conv, Activation.tanh(), new Flatten(), new Linear(3 * 4 * 4, 2, true, DType.FLOAT64, r));
        int n = 3;
        Tensor in = Tensor.randn(r, DType.FLOAT64, n, 2, 4, 4);
        Tensor target = Tensor.rand(r, 0, 1, DType.FLOAT64, n, 2);
        List<KroneckerFactors> f = collect(cnn, new SigmoidCrossEntropy(Reduction.BATCH_MEAN), in, target, all(n), KfacStatistics.Targets.EMPIRICAL, 1);

        Tensor[] convOut = new Tensor[1];
        Module.HookHandle h = conv.registerForwardHook((m, a, s) -> convOut[0] = s);
        Tensor loss = new SigmoidCrossEntropy(Reduction.BATCH_MEAN).loss(cnn.forward(in), target);
        h.remove();
        double[] g = Autograd.grad(List.of(loss), List.of(convOut[0]), null, false).getFirst().mul(n).toDoubleArray(); // per-case derivatives
        double[] xs = in.toDoubleArray();
        int t = 16;
        double[][] omega = new double[19][19];
        double[][] gamma = new double[3][3];
        for (int c = 0; c < n; c++) {
            for (int oh = 0; oh < 4; oh++) {
                for (int ow = 0; ow < 4; ow++) {
                    double[] patch = new double[19];
                    for (int ch = 0; ch < 2; ch++)
                        for (int i = 0; i < 3; i++)
                            for (int j = 0; j < 3; j++) {
                                int ih = oh - 1 + i;
                                int iw = ow - 1 + j;
                                if (ih >= 0 && ih < 4 && iw >= 0 && iw < 4) patch[(ch * 3 + i) * 3 + j] = xs[((c * 2 + ch) * 4 + ih) * 4 + iw];
                            }
                    patch[18] = 1;
                    double[] gt = new double[3];
                    for (int fo = 0; fo < 3; fo++) gt[fo] = g[((c * 3 + fo) * 4 + oh) * 4 + ow];
                    for (int i = 0; i < 19; i++) for (int j = 0; j < 19; j++) omega[i][j] += patch[i] * patch[j] / n;
                    for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) gamma[i][j] += gt[i] * gt[j] / (n * t);
                }
            }
        }
        assertThat(Dense.maxAbsDiff(Dense.of(f.get(0).input()), omega)).isLessThan(1e-12);
        assertThat(Dense.maxAbsDiff(Dense.of(f.get(0).output()), gamma)).isLessThan(1e-12 * (1 + Dense.maxAbs(gamma)));
        // The weight as a homogeneous matrix, and back.
        KfacLayer layer = layers(cnn).getFirst();
        Tensor w = layer.toMatrix(conv.weight(), conv.bias());
        assertThat(w.dims()).containsExactly(3, 19);
        assertThat(layer.weightPart(w, DType.FLOAT64).toDoubleArray()).containsExactly(conv.weight().toDoubleArray());
        assertThat(layer.biasPart(w, DType.FLOAT64).toDoubleArray()).containsExactly(conv.bias().toDoubleArray());
    }

    @Test
    void clearErrors() {
        // A layer used twice in one pass has no single Kronecker block.
        Linear shared = new Linear(3, 3, true, DType.FLOAT64, rng);
        Sequential twice = new Sequential(shared, Activation.tanh(), shared);
        assertThatThrownBy(() -> collect(twice, new SigmoidCrossEntropy(Reduction.BATCH_MEAN), Tensor.randn(rng, DType.FLOAT64, 4, 3),
                Tensor.zeros(DType.FLOAT64, 4, 3), all(4), KfacStatistics.Targets.SAMPLED, 1)).hasMessageContaining("ran twice");
        // A parameter outside any Linear/Conv2d layer.
        Module withBn = new Sequential(new Linear(3, 3, true, DType.FLOAT64, rng), new org.panopt.nn.BatchNorm(3, false, true, 1e-5, 0.1, DType.FLOAT64));
        assertThatThrownBy(() -> KfacLayer.discover(withBn, withBn.parameters(), false)).hasMessageContaining("belong to no Linear or Conv2d");
    }
}
