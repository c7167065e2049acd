package org.panopt.optim.scaled;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.panopt.autograd.Autograd;
import org.panopt.nn.Activation;
import org.panopt.nn.BatchNorm;
import org.panopt.nn.BlockScales;
import org.panopt.nn.Conv2d;
import org.panopt.nn.Linear;
import org.panopt.nn.Sequential;
import org.panopt.nn.loss.SoftmaxCrossEntropy;
import org.panopt.nn.models.VggNet;
import org.panopt.optim.GradientTransformation;
import org.panopt.optim.ModuleObjective;
import org.panopt.optim.Optimizer;
import org.panopt.optim.StepContext;
import org.panopt.optim.first.Sgd;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

class ScaleAmendedSgdTest {

    private static void set(Tensor t, double... v) {
        Autograd.noGrad(() -> t.copyFrom(Tensor.of(v, t.dims())));
    }

    /** Linear(3→2, no bias) → BN → ReLU → Linear(2→4): hand-set weights. */
    private static Sequential handNet() {
        SplittableRandom rng = new SplittableRandom(1);
        Sequential net = new Sequential(new Linear(3, 2, false, DType.FLOAT64, rng), new BatchNorm(2, false, false, 1e-5, 0.1, DType.FLOAT64),
                Activation.relu(), new Linear(2, 4, true, DType.FLOAT64, rng));
        set(((Linear) net.get(0)).weight(), 1, 2, 2, 0, 0, 3);               // rows² 9, 9: ‖W‖²_{2,µ} = 9
        set(((Linear) net.get(3)).weight(), 1, 0, 0, 2, 2, 2, 1, 1);          // rows² 1, 4, 8, 2: ‖W‖²_{2,µ} = 15/4
        return net;
    }

    @Test
    void scalarsAndFactorsOnAHandMadeNetworkFollowThePaper() {
        Sequential net = handNet();
        List<Block> blocks = Block.of(net);
        assertThat(blocks).hasSize(2);
        assertThat(blocks.get(1).companions()).containsExactly(((Linear) net.get(3)).bias());
        AmendScales amend = new AmendScales(blocks, ScaleAmendedSgd.paperScalars());
        List<AmendScales.BlockFactor> f = amend.factors();
        // Last block: m = 1, m_W = 4/15, m_z = 4/2 = 2 → factor 15/4. First block: m = 2, m_W = 1/9, m_z = 2/3 → factor 9/2.
        assertThat(f.get(1).scalars().weightScale()).isCloseTo(4 / 15.0, within(1e-15));
        assertThat(f.get(1).scalars().inputScale()).isEqualTo(2.0);
        assertThat(f.get(1).backwardFactor()).isEqualTo(1.0);
        assertThat(f.get(1).weightFactor()).isCloseTo(15 / 4.0, within(1e-14));
        assertThat(f.get(0).scalars().weightScale()).isCloseTo(1 / 9.0, within(1e-15));
        assertThat(f.get(0).scalars().inputScale()).isCloseTo(2 / 3.0, within(1e-15));
        assertThat(f.get(0).backwardFactor()).isEqualTo(2.0);
        assertThat(f.get(0).weightFactor()).isCloseTo(4.5, within(1e-14));

        // Weight decay first, then the amendment: g' = (g + λW)·factor; the bias is divided by its block's m = 1.
        List<Tensor> params = net.parameters();
        List<Tensor> grads = params.stream().map(p -> Tensor.ones(DType.FLOAT64, p.dims())).toList();
        GradientTransformation<?> t = ScaleAmendedSgd.rule(net).with("lr", 1.0, "momentum", 0.0, "weight_decay", 0.5).transformation(
                ScaleAmendedSgd.rule(net).defaults().with("lr", 1.0).with("momentum", 0.0).with("weight_decay", 0.5));
        var u = org.panopt.optim.Chain.apply(t, grads, t.init(params), params, StepContext.NONE);
        assertThat(u.updates().get(0).toDoubleArray()).containsExactly(new double[] {-(1 + 0.5) * 4.5, -(1 + 1.0) * 4.5, -(1 + 1.0) * 4.5, -1 * 4.5, -1 * 4.5,
                -(1 + 1.5) * 4.5}, within(1e-13));
        double[] bias = ((Linear) net.get(3)).bias().toDoubleArray();
        double[] ub = u.updates().get(2).toDoubleArray();
        for (int i = 0; i < 4; i++) assertThat(ub[i]).isCloseTo(-(1 + 0.5 * bias[i]), within(1e-14));
    }

    @Test
    void convBlocksUseChannelRatiosAndAPlainChainTelescopesToFrobeniusOverK() {
        // VGG [4, M, 8, M] on 4×4 inputs: conv 3→4, conv 4→8, linear 8→K; every δ'W_b = ‖W_b‖_F²/K · δW_b (spec A.9).
        int k = 5;
        VggNet net = new VggNet(3, k, 4, List.of(4, VggNet.M, 8, VggNet.M), false, DType.FLOAT64, new SplittableRandom(3));
        List<Block> blocks = Block.of(net);
        assertThat(blocks).hasSize(3);
        assertThat(blocks.get(0).layer()).isInstanceOf(Conv2d.class);
        List<AmendScales.BlockFactor> f = new AmendScales(blocks, ScaleAmendedSgd.paperScalars()).factors();
        assertThat(f.get(0).scalars().inputScale()).isEqualTo(4 / 3.0);
        assertThat(f.get(1).scalars().inputScale()).isEqualTo(2.0);
        assertThat(f.get(2).scalars().inputScale()).isEqualTo(k / 8.0);
        for (int b = 0; b < 3; b++) {
            assertThat(f.get(b).weightFactor()).as("block %d", b).isCloseTo(BlockScales.squaredFrobenius(blocks.get(b).weight()) / k, within(1e-12));
        }
        assertThat(f.get(2).backwardFactor()).isEqualTo(1.0);
        assertThat(f.get(1).backwardFactor()).isCloseTo(k / 8.0, within(1e-15));
    }

    @Test
    void withAllScalarsOneItIsSgdBitForBit() {
        VggNet a = new VggNet(3, 4, 4, List.of(4, VggNet.M, 6, VggNet.M), false, DType.FLOAT32, new SplittableRandom(9));
        VggNet b = new VggNet(3, 4, 4, List.of(4, VggNet.M, 6, VggNet.M), false, DType.FLOAT32, new SplittableRandom(9));
        List<Block> blocks = Block.of(a);
        Optimizer amended = Optimizer.of(ScaleAmendedSgd.rule(blocks, bl -> Collections.nCopies(bl.size(), BlockScalars.ONE)), a);
        Optimizer sgd = Optimizer.of(Sgd.builder().lr(0.1).momentum(0.9).weightDecay(0.005).build(), b);
        SplittableRandom data = new SplittableRandom(4);
        for (int step = 0; step < 4; step++) {
            Tensor x = Tensor.randn(data, DType.FLOAT32, 6, 3, 4, 4);
            Tensor y = Tensor.of(new float[] {0, 1, 2, 3, 0, 1}, 6);
            amended.step(new ModuleObjective(a, new SoftmaxCrossEntropy(), x, y));
            sgd.step(new ModuleObjective(b, new SoftmaxCrossEntropy(), x, y));
        }
        List<Tensor> pa = a.parameters();
        List<Tensor> pb = b.parameters();
        for (int i = 0; i < pa.size(); i++) assertThat(pa.get(i).toFloatArray()).containsExactly(pb.get(i).toFloatArray());
    }

    @Test
    void unitScalarWeightsGiveTheSgdStepWithThePaperScalars() {
        // Square blocks with signed-permutation weights: every ‖row‖² = 1 and n_b = n_{b−1}, so m_W = m_z = 1 exactly.
        SplittableRandom rng = new SplittableRandom(2);
        Sequential a = new Sequential(new Linear(3, 3, false, DType.FLOAT64, rng), new BatchNorm(3, false, false, 1e-5, 0.1, DType.FLOAT64),
                Activation.relu(), new Linear(3, 3, false, DType.FLOAT64, rng));
        set(((Linear) a.get(0)).weight(), 0, 1, 0, -1, 0, 0, 0, 0, 1);
        set(((Linear) a.get(3)).weight(), 0, 0, -1, 0, 1, 0, 1, 0, 0);
        List<double[]> before = a.parameters().stream().map(Tensor::toDoubleArray).toList();
        Tensor x = Tensor.randn(new SplittableRandom(5), DType.FLOAT64, 8, 3);
        Tensor y = Tensor.of(new double[] {0, 1, 2, 0, 1, 2, 0, 1}, 8);
        Optimizer amended = Optimizer.of(ScaleAmendedSgd.rule(a).with("momentum", 0.0, "weight_decay", 0.0, "lr", 0.3), a);
        ModuleObjective f = new ModuleObjective(a, new SoftmaxCrossEntropy(), x, y);
        var eval = f.evaluate();
        amended.step(f);
        for (int i = 0; i < 2; i++) {
            double[] g = eval.gradients().get(i).toDoubleArray();
            double[] now = a.parameters().get(i).toDoubleArray();
            for (int k = 0; k < g.length; k++) assertThat(now[k]).isEqualTo(before.get(i)[k] - 0.3 * g[k]);
        }
    }

    @Test
    void optionBStepOnTheClassifierUsesItsInputMoment() {
        Sequential net = handNet();
        double lr = 0.1;
        Optimizer opt = Optimizer.of(ScaleAmendedSgd.rule(net, ScaleAmendedSgd.LastLayer.PLAIN_LINEAR).with("lr", lr, "momentum", 0.0, "weight_decay", 0.0), net);
        Tensor x = Tensor.of(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1}, 4, 3);
        Tensor y = Tensor.of(new double[] {0, 1, 2, 3}, 4);
        Tensor w = ((Linear) net.get(3)).weight();
        double[] w0 = w.toDoubleArray();
        // The classifier's input in the training pass: the front of the network in training mode on the same batch.
        Tensor z = Autograd.noGrad(() -> net.get(2).forward(net.get(1).forward(net.get(0).forward(x))));
        double moment = z.square().sum().item() / z.size();
        ModuleObjective f = new ModuleObjective(net, new SoftmaxCrossEntropy(), x, y);
        double[] g = f.evaluate().gradients().get(1).toDoubleArray();
        opt.step(f);
        double[] w1 = w.toDoubleArray();
        for (int k = 0; k < w0.length; k++) assertThat(w1[k]).isCloseTo(w0[k] - lr * g[k] / moment, within(1e-12));
        assertThatThrownBy(() -> ScaleAmendedSgd.rule(new Sequential(new Conv2d(2, 3, 3, 1, 1, false, new SplittableRandom(1))),
                ScaleAmendedSgd.LastLayer.PLAIN_LINEAR)).hasMessageContaining("linear last layer");
    }

    @Test
    void optionBScalarsByHand() {
        Sequential net = handNet();
        var rule = ScaleAmendedSgd.rule(net, ScaleAmendedSgd.LastLayer.PLAIN_LINEAR);
        AmendScales amend = (AmendScales) ((org.panopt.optim.Chain) rule.transformation(rule.defaults())).links().get(1);
        assertThatThrownBy(amend::factors).hasMessageContaining("forward pass");
        // Feed the classifier directly: z = [[1, 2], [3, 0]] → mean_j ‖z_j‖²/n = (5 + 9)/(2·2) = 3.5.
        Autograd.noGrad(() -> net.get(3).forward(Tensor.of(new double[] {1, 2, 3, 0}, 2, 2)));
        List<AmendScales.BlockFactor> f = amend.factors();
        assertThat(f.get(1).scalars().weightScale()).isEqualTo(3.5);
        assertThat(f.get(1).scalars().inputScale()).isCloseTo(15 / 2.0, within(1e-14)); // ‖Wᵀ‖²_{2,µ} = ‖W‖_F²/2 = 15/2
        assertThat(f.get(1).weightFactor()).isCloseTo(1 / 3.5, within(1e-15));
        assertThat(f.get(0).backwardFactor()).isCloseTo(7.5, within(1e-14));
        assertThat(f.get(0).weightFactor()).isCloseTo(9 / 7.5, within(1e-13));
    }

    @Test
    void trainsAVggStyleBatchNormNet() {
        VggNet net = new VggNet(3, 3, 4, List.of(4, VggNet.M, 8, VggNet.M), false, DType.FLOAT32, new SplittableRandom(12));
        Optimizer opt = Optimizer.of(ScaleAmendedSgd.rule(net).with("lr", 0.05), net);
        Tensor x = Tensor.randn(new SplittableRandom(8), DType.FLOAT32, 12, 3, 4, 4);
        Tensor y = Tensor.of(new float[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2}, 12);
        ModuleObjective f = new ModuleObjective(net, new SoftmaxCrossEntropy(), x, y);
        double first = opt.step(f);
        double last = first;
        for (int i = 0; i < 30; i++) last = opt.step(f);
        assertThat(last).isLessThan(first * 0.7);
    }

    @Test
    void parametersOutsideEveryBlockAreRefused() {
        SplittableRandom rng = new SplittableRandom(1);
        Sequential net = new Sequential(new BatchNorm(3, false, true, 1e-5, 0.1, DType.FLOAT64), new Linear(3, 2, false, DType.FLOAT64, rng));
        assertThatThrownBy(() -> Block.of(net)).hasMessageContaining("belongs to no block").hasMessageContaining("0.weight");
    }
}
