package org.panopt.optim.kfac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.panopt.autograd.Autograd;
import org.panopt.nn.Activation;
import org.panopt.nn.BatchNorm;
import org.panopt.nn.Linear;
import org.panopt.nn.Sequential;
import org.panopt.nn.loss.Reduction;
import org.panopt.nn.loss.SigmoidCrossEntropy;
import org.panopt.optim.Chain;
import org.panopt.optim.ModuleObjective;
import org.panopt.optim.Optimizer;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/** The practical mode: the preconditioned step against a dense solve, KL clipping, pass-through parameters, intervals. */
class KfacPreconditionerTest {
    final SplittableRandom rng = new SplittableRandom(10);
    final Linear l1 = new Linear(5, 6, true, DType.FLOAT64, rng);
    final BatchNorm bn = new BatchNorm(6, false, true, 1e-5, 0.1, DType.FLOAT64);
    final Linear l2 = new Linear(6, 3, true, DType.FLOAT64, rng);
    final Sequential net = new Sequential(l1, bn, Activation.tanh(), l2);
    final Tensor x = Tensor.randn(rng, DType.FLOAT64, 32, 5);
    final Tensor y = Tensor.rand(rng, 0, 1, DType.FLOAT64, 32, 3);
    final SigmoidCrossEntropy loss = new SigmoidCrossEntropy(Reduction.BATCH_MEAN);

    /** The dense factored-damping solve (Ā + π√d I)⊗(G + (√d/π) I) vec(U) = vec(∇) of one layer. */
    static double[][] denseStep(KroneckerFactors f, Tensor grad, double damping) {
        double[][] a = Dense.of(f.input());
        double[][] g = Dense.of(f.output());
        double pi = FactoredDamping.pi(DenseSymmetric.trace(f.input()), a.length, DenseSymmetric.trace(f.output()), g.length);
        double c = Math.sqrt(damping);
        double[][] m = Dense.kron(Dense.add(a, Dense.identity(a.length), pi * c), Dense.add(g, Dense.identity(g.length), c / pi));
        return Dense.unvec(Dense.solve(m, Dense.vec(Dense.of(grad))), g.length, a.length);
    }

    @Test
    void stepIsTheDampedKroneckerSolveClippedInKl() {
        for (double klClip : new double[] {0, 1e-4}) {
            Sequential model = net;
            List<Tensor> before = model.parameters().stream().map(Tensor::copy).toList();
            double lr = 0.1;
            double damping = 0.01;
            KfacPreconditioner rule = KfacPreconditioner.create(model).with("lr", lr, "momentum", 0.0, "damping", damping, "kl_clip", klClip,
                    "empirical_fisher", true, "inverse_interval", 1);
            Optimizer opt = Optimizer.of(rule, model);
            ModuleObjective objective = new ModuleObjective(model, loss, x, y);
            // The expected step, from the same statistics (empirical Fisher on the whole batch) and gradient.
            List<KfacLayer> layers = KfacLayer.discover(model, model.parameters(), true).layers();
            List<KroneckerFactors> f = KfacStatistics.collect(objective, layers, BatchRows.sample(32, 32, rng), KfacStatistics.Targets.EMPIRICAL, false, rng);
            var ev = objective.evaluate();
            double[][][] u = new double[2][][];
            double vg = 0;
            for (int i = 0; i < 2; i++) {
                Tensor grad = layers.get(i).matrixOf(ev.gradients());
                u[i] = denseStep(f.get(i), grad, damping);
                double[][] gd = Dense.of(grad);
                for (int r = 0; r < gd.length; r++) for (int c = 0; c < gd[0].length; c++) vg += u[i][r][c] * gd[r][c];
            }
            double nu = klClip == 0 ? 1 : Math.min(1, Math.sqrt(klClip / (lr * lr * vg)));
            if (klClip > 0) assertThat(nu).as("the clip is active").isLessThan(1);
            opt.step(objective);
            for (int i = 0; i < 2; i++) {
                KfacLayer l = layers.get(i);
                double[][] moved = Dense.of(l.toMatrix(l.weight(), l.bias()).sub(l.matrixOf(before)));
                double[][] expected = KroneckerAlgebraTest.scale(u[i], -lr * nu);
                assertThat(Dense.maxAbsDiff(moved, expected)).as("layer %d, κ %g", i, klClip).isLessThan(1e-10 * Dense.maxAbs(expected));
            }
            // Batch-norm's γ, β are no Kronecker layer: plain SGD, −η∇.
            double[] bnMoved = bn.parameter("weight").sub(before.get(2)).toDoubleArray();
            double[] bnGrad = ev.gradients().get(2).toDoubleArray();
            for (int j = 0; j < bnMoved.length; j++) assertThat(bnMoved[j]).isCloseTo(-lr * bnGrad[j], org.assertj.core.api.Assertions.within(1e-12));
            KfacPreconditioning.PreconditionerState s = (KfacPreconditioning.PreconditionerState) ((Chain.ChainState) opt.state(0)).links().getFirst();
            assertThat(s.lastScale()).isCloseTo(nu, org.assertj.core.api.Assertions.within(1e-12));
            Autograd.noGrad(() -> {
                for (int i = 0; i < before.size(); i++) model.parameters().get(i).copyFrom(before.get(i));
            });
        }
    }

    @Test
    void intervalsAndTraining() {
        KfacPreconditioner rule = KfacPreconditioner.create(net).with("lr", 0.05, "factor_interval", 3, "inverse_interval", 6, "stats_fraction", 0.5);
        Optimizer opt = Optimizer.of(rule, net);
        double start = Autograd.noGrad(() -> loss.loss(net.forward(x), y).item());
        SplittableRandom batches = new SplittableRandom(1);
        for (int k = 1; k <= 30; k++) {
            int[] idx = BatchRows.sample(32, 8, batches); // small noisy batches
            opt.step(new ModuleObjective(net, loss, BatchRows.select(x, idx), BatchRows.select(y, idx)));
            KfacPreconditioning.PreconditionerState s = (KfacPreconditioning.PreconditionerState) ((Chain.ChainState) opt.state(0)).links().getFirst();
            assertThat(s.estimates()).isEqualTo((k + 2) / 3);
        }
        bn.eval();
        double end = Autograd.noGrad(() -> loss.loss(net.forward(x), y).item());
        assertThat(end).isLessThan(start);
        assertThatThrownBy(() -> KfacPreconditioner.create(net).with("damping", 0.0)).hasMessageContaining("damping");
        assertThatThrownBy(() -> KfacPreconditioner.create(net).with("kl_clip", -1.0)).hasMessageContaining("kl_clip");
    }
}
