package org.panopt.optim.kfac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

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
import org.panopt.nn.loss.Reduction;
import org.panopt.nn.loss.SigmoidCrossEntropy;
import org.panopt.nn.loss.SoftmaxCrossEntropy;
import org.panopt.nn.models.Mlp;
import org.panopt.optim.Objective;
import org.panopt.optim.ModuleObjective;
import org.panopt.optim.Optimizer;
import org.panopt.optim.StateDict;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/** Adaptive K-FAC through the optimizer facade: schedules as reported, save/restore, conv layers, errors. */
class KfacOptimizerTest {
    final SplittableRandom rng = new SplittableRandom(6);
    final Tensor x = Tensor.randn(rng, DType.FLOAT32, 64, 6);
    final Tensor y = Tensor.rand(rng, 0, 1, DType.FLOAT32, 64, 4);
    final SigmoidCrossEntropy loss = new SigmoidCrossEntropy(Reduction.BATCH_MEAN);

    Mlp net(long seed) {
        return new Mlp(List.of(6, 8, 4), Activation.Kind.TANH, true, DType.FLOAT32, new SplittableRandom(seed));
    }

    @Test
    void schedulesAsReported() {
        Mlp net = net(1);
        Optimizer opt = Optimizer.of(Kfac.builder(net).lambda(1).lambdaInterval(2).gammaInterval(4).inverseInterval(4).build(), net);
        List<Long> refreshed = new ArrayList<>();
        List<Long> searched = new ArrayList<>();
        List<Long> rated = new ArrayList<>();
        double lambda = 1;
        for (int k = 1; k <= 9; k++) {
            opt.step(new ModuleObjective(net, loss, x, y));
            KfacReport r = Kfac.report(opt);
            assertThat(r.step()).isEqualTo(k);
            assertThat(r.lambda()).isEqualTo(lambda);
            if (r.inverseRefreshed()) refreshed.add(r.step());
            if (r.gammaCandidates() == 3) searched.add(r.step());
            if (!Double.isNaN(r.rho())) rated.add(r.step());
            if (k % 2 == 1) assertThat(r.nextLambda()).isEqualTo(lambda);
            assertThat(r.predictedChange()).isNegative();
            assertThat(r.piValues()).hasSize(2);
            for (double p : r.piValues()) assertThat(p).isPositive();
            lambda = r.nextLambda();
        }
        assertThat(refreshed).containsExactly(1L, 2L, 3L, 4L, 8L);
        assertThat(searched).containsExactly(4L, 8L);
        assertThat(rated).containsExactly(2L, 4L, 6L, 8L);
        assertThat(Kfac.find(opt.state(0)).lambda()).isEqualTo(lambda);
    }

    @Test
    void reductionEveryStepReportsTheActualChange() {
        Mlp net = net(2);
        Optimizer opt = Optimizer.of(Kfac.builder(net).lambda(1).set("reduction_every_step", true).build(), net);
        for (int k = 1; k <= 3; k++) {
            List<double[]> before = net.parameters().stream().map(Tensor::toDoubleArray).toList();
            double lossBefore = opt.step(new ModuleObjective(net, loss, x, y));
            KfacReport r = Kfac.report(opt);
            double after = Autograd.noGrad(() -> loss.loss(net.forward(x), y).item());
            double stepSq = 0;
            double sqBefore = 0;
            for (int i = 0; i < before.size(); i++) {
                double[] now = net.parameters().get(i).toDoubleArray();
                for (int j = 0; j < now.length; j++) {
                    stepSq += (now[j] - before.get(i)[j]) * (now[j] - before.get(i)[j]);
                    sqBefore += before.get(i)[j] * before.get(i)[j];
                }
            }
            // h includes (η/2)‖θ‖², η = 1e-5.
            assertThat(r.loss()).isCloseTo(lossBefore + 0.5e-5 * sqBefore, within(1e-6));
            assertThat(r.actualChange()).isCloseTo(after + 0.5e-5 * sq(net) - r.loss(), within(1e-5));
            assertThat(r.rho()).isEqualTo(r.actualChange() / r.rhoDenominator());
            // The λ-free model of ρ's denominator: M(δ) − M(0) − (λ/2)‖δ‖².
            assertThat(r.rhoDenominator()).isCloseTo(r.predictedChange() - 0.5 * r.lambda() * stepSq, within(1e-6 * (1 + Math.abs(r.predictedChange()))));
        }
    }

    static double sq(Module m) {
        double s = 0;
        for (Tensor p : m.parameters()) for (double v : p.toDoubleArray()) s += v * v;
        return s;
    }

    @Test
    void stateDictResumesTheTrajectoryExactly() {
        Mlp a = net(3);
        Kfac rule = Kfac.builder(a).lambda(1).gammaInterval(2).inverseInterval(2).build();
        Optimizer o1 = Optimizer.of(rule, a);
        for (int i = 0; i < 3; i++) o1.step(new ModuleObjective(a, loss, x, y));
        StateDict saved = o1.stateDict();
        List<double[]> at3 = a.parameters().stream().map(Tensor::toDoubleArray).toList();
        for (int i = 0; i < 4; i++) o1.step(new ModuleObjective(a, loss, x, y));

        Mlp b = net(99);
        Autograd.noGrad(() -> {
            for (int i = 0; i < at3.size(); i++) b.parameters().get(i).copyFrom(Tensor.of(at3.get(i), b.parameters().get(i).dims()).to(DType.FLOAT32));
        });
        Optimizer o2 = Optimizer.of(Kfac.builder(b).lambda(1).gammaInterval(2).inverseInterval(2).build(), b);
        o2.loadStateDict(saved);
        for (int i = 0; i < 4; i++) o2.step(new ModuleObjective(b, loss, x, y));
        for (int i = 0; i < at3.size(); i++) assertThat(b.parameters().get(i).toFloatArray()).containsExactly(a.parameters().get(i).toFloatArray());
        assertThat(o2.parameterState(b.parameters().getFirst())).containsKey("previousUpdate");
    }

    @Test
    void convolutionalNetworkWithKfcFactors() {
        SplittableRandom r = new SplittableRandom(4);
        Sequential cnn = new Sequential(new Conv2d(1, 4, 3, 1, 1, true, r), Activation.relu(), new Conv2d(4, 4, 3, 2, 1, true, r), Activation.relu(),
                new Flatten(), new Linear(4 * 3 * 3, 3, true, r));
        Tensor images = Tensor.randn(r, DType.FLOAT32, 48, 1, 6, 6);
        double[] classes = new double[48];
        for (int i = 0; i < 48; i++) classes[i] = i % 3;
        Tensor labels = Tensor.of(classes, 48).to(DType.FLOAT32);
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        double start = Autograd.noGrad(() -> ce.loss(cnn.forward(images), labels).item());
        Optimizer opt = Optimizer.of(Kfac.builder(cnn).lambda(1).set("stats_fraction", 0.5).build(), cnn);
        for (int k = 0; k < 10; k++) opt.step(new ModuleObjective(cnn, ce, images, labels));
        double end = Autograd.noGrad(() -> ce.loss(cnn.forward(images), labels).item());
        assertThat(end).isLessThan(0.7 * start);
        assertThat(Kfac.report(opt).piValues()).hasSize(3);
        Optimizer tri = Optimizer.of(Kfac.builder(cnn).tridiagonal(true).build(), cnn);
        assertThatThrownBy(() -> tri.step(new ModuleObjective(cnn, ce, images, labels))).hasMessageContaining("block-diagonal");
    }

    /** A {@link ModelObjective} whose loss probes are NaN (an overflowing proposal). */
    record NanProbes(ModuleObjective inner) implements org.panopt.optim.ModelObjective {
        public List<Tensor> parameters() { return inner.parameters(); }
        public org.panopt.optim.Evaluation evaluate() { return inner.evaluate(); }
        public double probe(List<Tensor> t, List<Tensor> v, DType p) { return Double.NaN; }
        public Module model() { return inner.model(); }
        public org.panopt.nn.loss.Loss loss() { return inner.loss(); }
        public Tensor inputs() { return inner.inputs(); }
        public Tensor targets() { return inner.targets(); }
        public Tensor forward() { return inner.forward(); }
        public <T> T withFrozenState(java.util.function.Supplier<T> body) { return inner.withFrozenState(body); }
    }

    @Test
    void nanRhoRaisesLambda() {
        Mlp net = net(7);
        Optimizer opt = Optimizer.of(Kfac.builder(net).lambda(2).lambdaInterval(2).build(), net);
        for (int k = 0; k < 2; k++) opt.step(new NanProbes(new ModuleObjective(net, loss, x, y)));
        KfacReport r = Kfac.report(opt);
        assertThat(r.rho()).isNaN();
        assertThat(r.nextLambda()).isEqualTo(2 / KfacSchedules.lambdaMultiplier(2));
    }

    @Test
    void clearErrors() {
        Mlp net = net(5);
        Optimizer opt = Optimizer.of(Kfac.builder(net).build(), net);
        for (Tensor p : net.parameters()) p.setGrad(Tensor.zeros(p.dims()));
        assertThatThrownBy(opt::step).hasMessageContaining("needs an Objective");
        Objective closure = Objective.of(net.parameters(), () -> loss.loss(net.forward(x), y));
        assertThatThrownBy(() -> opt.step(closure)).hasMessageContaining("ModelObjective");
        assertThatThrownBy(() -> Kfac.builder(net).set("lambda", -1.0).build()).hasMessageContaining("lambda").hasMessageContaining("-1.0");
        assertThatThrownBy(() -> Kfac.builder(net).set("stats_fraction", 0.0).build()).hasMessageContaining("stats_fraction");
        assertThatThrownBy(() -> Kfac.builder(net).set("lamda", 1.0)).hasMessageContaining("'lamda'");
        Mlp other = net(6);
        assertThatThrownBy(() -> Optimizer.of(Kfac.builder(other).build(), net)).hasMessageContaining("belong to no Linear or Conv2d layer");
    }
}
