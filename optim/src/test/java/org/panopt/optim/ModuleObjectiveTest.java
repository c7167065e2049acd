package org.panopt.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.panopt.autograd.Autograd;
import org.panopt.nn.Activation;
import org.panopt.nn.BatchNorm;
import org.panopt.nn.Dropout;
import org.panopt.nn.Linear;
import org.panopt.nn.Module;
import org.panopt.nn.Sequential;
import org.panopt.nn.loss.SoftmaxCrossEntropy;
import org.panopt.optim.adaptive.AdaptiveRules;
import org.panopt.optim.first.Sgd;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * Probes leave the model exactly as found: parameters bit-identical, batch-norm running statistics
 * untouched, dropout generators not advanced — so a run with the Ravaut–Gorti probes takes the same weight
 * step as plain SGD with the same η, bit for bit.
 */
class ModuleObjectiveTest {

    /** Linear → BN → ReLU → Dropout → Linear, seeded: the same seed builds the same network. */
    static Module net(DType dtype, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return new Sequential(new Linear(5, 8, true, dtype, rng), new BatchNorm(8, false, true, 1e-5, 0.1, dtype), Activation.relu(),
                new Dropout(0.3, new SplittableRandom(seed + 1)), new Linear(8, 3, true, dtype, rng));
    }

    static Tensor inputs(long seed, int n) {
        return Tensor.randn(new SplittableRandom(seed), DType.FLOAT32, n, 5);
    }

    static Tensor labels(int n) {
        double[] y = new double[n];
        for (int i = 0; i < n; i++) y[i] = i % 3;
        return Tensor.of(y, n).to(DType.FLOAT32);
    }

    static List<float[]> snapshot(Module m) {
        List<float[]> out = new ArrayList<>();
        for (Tensor t : m.stateDict().values()) out.add(t.toFloatArray());
        return out;
    }

    static void assertBitIdentical(List<float[]> a, List<float[]> b) {
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            float[] x = a.get(i);
            float[] y = b.get(i);
            assertThat(x.length).isEqualTo(y.length);
            for (int k = 0; k < x.length; k++) assertThat(Float.floatToRawIntBits(x[k])).as("state %d element %d", i, k).isEqualTo(Float.floatToRawIntBits(y[k]));
        }
    }

    @Test
    void probesLeaveParametersBuffersAndDropoutStreamsAlone() {
        Module model = net(DType.FLOAT32, 1);
        Module twin = net(DType.FLOAT64, 99);
        Module untouched = net(DType.FLOAT32, 1);
        ModuleObjective f = new ModuleObjective(model, new SoftmaxCrossEntropy(), inputs(3, 16), labels(16)).withProbeModel(twin);
        ModuleObjective g = new ModuleObjective(untouched, new SoftmaxCrossEntropy(), inputs(3, 16), labels(16));
        Evaluation e = f.evaluate();
        g.evaluate();
        List<float[]> before = snapshot(model);
        List<Tensor> values = new ArrayList<>();
        for (int i = 0; i < f.parameters().size(); i++) values.add(f.parameters().get(i).detach().to(DType.FLOAT64).sub(e.gradients().get(i).to(DType.FLOAT64).mul(0.1)));
        double p64a = f.probe(f.parameters(), values, DType.FLOAT64);
        double p64b = f.probe(f.parameters(), values, DType.FLOAT64);
        double p32 = f.probe(f.parameters(), values, DType.FLOAT32);
        assertThat(p64a).isEqualTo(p64b);                      // the same mask on every probe
        assertThat(p32).isCloseTo(p64a, within(1e-4));
        assertBitIdentical(snapshot(model), before);
        // The next training pass of the probed model draws the same dropout mask and moves the running stats as the unprobed one.
        Tensor x = inputs(4, 16);
        Tensor out1 = Autograd.noGrad(() -> model.forward(x));
        Tensor out2 = Autograd.noGrad(() -> untouched.forward(x));
        assertThat(out1.toFloatArray()).containsExactly(out2.toFloatArray());
        assertBitIdentical(snapshot(model), snapshot(untouched));
    }

    @Test
    void theProbeAtZeroStepIsTheTrainingLossWithTheSameMask() {
        Module model = net(DType.FLOAT64, 7);
        ModuleObjective f = new ModuleObjective(model, new SoftmaxCrossEntropy(), inputs(3, 16).to(DType.FLOAT64), labels(16));
        Evaluation e = f.evaluate();
        double probe = f.probe(f.parameters(), f.parameters().stream().map(Tensor::detach).toList(), DType.FLOAT64);
        assertThat(probe).isEqualTo(e.loss());
    }

    @Test
    void aRavautGortiStepIsBitForBitTheSgdStepWithTheSameEta() {
        Module probed = net(DType.FLOAT32, 11);
        Module plain = net(DType.FLOAT32, 11);
        Optimizer rg = Optimizer.of(AdaptiveRules.ravautGortiSecondOrder().with("lr", 0.05), probed);
        Optimizer sgd = Optimizer.of(Sgd.create(0.05), plain);
        for (int step = 0; step < 3; step++) {
            Tensor x = inputs(20 + step, 16);
            double eta = rg.learningRate();
            sgd.setLearningRate(eta);
            rg.step(new ModuleObjective(probed, new SoftmaxCrossEntropy(), x, labels(16)).withProbeModel(net(DType.FLOAT64, 0)));
            sgd.step(new ModuleObjective(plain, new SoftmaxCrossEntropy(), x, labels(16)));
            assertBitIdentical(snapshot(probed), snapshot(plain));
            assertThat(rg.learningRate()).isFinite().isGreaterThanOrEqualTo(1e-6);
        }
        assertThat(rg.learningRate()).isNotEqualTo(0.05);
    }

    @Test
    void float64ProbesOfAFloat32NetNeedATwinOrAnExplicitFloat32Choice() {
        Module model = net(DType.FLOAT32, 2);
        Optimizer rg = Optimizer.of(AdaptiveRules.ravautGortiSecondOrder(), model);
        ModuleObjective f = new ModuleObjective(model, new SoftmaxCrossEntropy(), inputs(3, 8), labels(8));
        List<float[]> before = snapshot(model);
        assertThatThrownBy(() -> rg.step(f)).hasMessageContaining("probe model").hasMessageContaining("FLOAT64");
        // The failed step changed nothing but the training pass itself (batch-norm statistics of evaluate()).
        assertThat(model.parameters().getFirst().toFloatArray()).containsExactly(before.getFirst());
        Optimizer rg32 = Optimizer.of(AdaptiveRules.ravautGortiSecondOrder().with("float32_probes", true), model);
        rg32.step(f);
        assertThat(rg32.learningRate()).isFinite();
        assertThatThrownBy(() -> new ModuleObjective(model, new SoftmaxCrossEntropy(), inputs(3, 8), labels(8)).withProbeModel(
                new Sequential(new Linear(5, 3, true, DType.FLOAT64, new SplittableRandom(1))))).hasMessageContaining("probe model");
    }

    @Test
    void validationBatchProbes() {
        Module model = net(DType.FLOAT64, 5);
        Tensor xv = inputs(50, 10).to(DType.FLOAT64);
        Tensor yv = labels(10);
        ModuleObjective f = new ModuleObjective(model, new SoftmaxCrossEntropy(), inputs(3, 16).to(DType.FLOAT64), labels(16)).withProbeBatch(xv, yv);
        Evaluation e = f.evaluate();
        List<Tensor> same = f.parameters().stream().map(Tensor::detach).toList();
        double probe = f.probe(f.parameters(), same, DType.FLOAT64);
        // On the validation batch (another shape: its dropout mask comes from the probe generator), not the training loss.
        assertThat(probe).isNotEqualTo(e.loss());
        assertThat(f.probe(f.parameters(), same, DType.FLOAT64)).isEqualTo(probe);
        Optimizer rg = Optimizer.of(AdaptiveRules.ravautGortiSecondOrder().with("lr", 0.05), model);
        rg.step(f);
        assertThat(rg.learningRate()).isFinite().isGreaterThanOrEqualTo(1e-6);
    }
}
