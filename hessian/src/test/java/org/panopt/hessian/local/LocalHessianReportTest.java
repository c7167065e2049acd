package org.panopt.hessian.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.panopt.hessian.spectrum.DenseSpectrum;
import org.panopt.nn.Activation;
import org.panopt.nn.BatchNorm;
import org.panopt.nn.BlockScales;
import org.panopt.nn.Conv2d;
import org.panopt.nn.Flatten;
import org.panopt.nn.Linear;
import org.panopt.nn.Module;
import org.panopt.nn.Pool2d;
import org.panopt.nn.Sequential;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/** The per-block report on small fully connected and convolutional networks. */
class LocalHessianReportTest {

    @Test
    void fullyConnectedNetworkWithBatchNorm() {
        SplittableRandom rng = new SplittableRandom(1);
        Linear first = new Linear(12, 18, false, DType.FLOAT64, rng);
        BatchNorm bn = new BatchNorm(18, false, false, 1e-5, 0.1, DType.FLOAT64);
        Linear last = new Linear(18, 6, false, DType.FLOAT64, rng);
        Sequential net = new Sequential(first, bn, last);
        List<Module> blocks = LocalHessianReport.blocksOf(net);
        assertThat(blocks).hasSize(2);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 256, 12);
        LocalHessianReport report = LocalHessianReport.of(blocks, x, LocalHessianReport.Options.defaults());

        LocalHessianReport.Entry b0 = report.blocks().get(0);
        assertThat(b0.inputDim()).isEqualTo(12);
        assertThat(b0.outputDim()).isEqualTo(18);
        assertThat(b0.inputScale()).isEqualTo(BlockScales.inputScale(first.weight())).isEqualTo(1.5);
        assertThat(b0.weightScale()).isEqualTo(BlockScales.weightScale(first.weight()));
        // eq. 17 with Cov[z] ≈ I: the mean eigenvalue of H_z is m_{b,z} = n_b/n_{b−1}
        assertThat(b0.input().mean()).isCloseTo(1.5, within(0.1));
        assertThat(b0.input().rank()).isEqualTo(12);
        assertThat(b0.input().dense()).isTrue();
        assertThat(b0.weight().dim()).isEqualTo(216);

        LocalHessianReport.Entry b1 = report.blocks().get(1);
        double[] expected = DenseSpectrum.eigenvalues(FullyConnectedBlock.inputHessian(last.weight()));
        assertThat(b1.input().eigenvalues()).containsExactly(expected, within(1e-10 * expected[0]));
        assertThat(b1.input().rank()).as("n_b < n_{b−1}: rank n_b").isEqualTo(6);
        assertThat(b1.input().condition()).isCloseTo(expected[0] / expected[5], within(1e-6 * expected[0] / expected[5]));
        assertThat(report.toMarkdown()).contains("| 0 |").contains("| 1 |").contains("12 → 18");
        assertThat(bn.runningMean().toDoubleArray()).as("the network is untouched").containsOnly(0.0);
    }

    @Test
    void largeOperatorsAreSummarizedByLanczosAndHutchinson() {
        SplittableRandom rng = new SplittableRandom(2);
        Sequential block = new Sequential(new Linear(40, 60, false, DType.FLOAT64, rng), Activation.tanh());
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 64, 40);
        LocalHessian local = LocalHessian.gaussNewton(block, x);
        SpectrumSummary dense = SpectrumSummary.of(local.meanInputHessian(), 1000, 1e-10, 30, 0);
        SpectrumSummary iterative = SpectrumSummary.of(local.meanInputHessian(), 10, 1e-10, 200, 0);
        assertThat(iterative.dense()).isFalse();
        assertThat(iterative.largest()).isCloseTo(dense.largest(), within(1e-6 * dense.largest()));
        assertThat(iterative.smallest()).isCloseTo(dense.smallest(), within(1e-6 * dense.largest()));
        assertThat(iterative.mean()).isCloseTo(dense.mean(), within(0.1 * dense.mean()));
        assertThat(iterative.condition()).isCloseTo(dense.condition(), within(1e-4 * dense.condition()));
        assertThat(iterative.rank()).isEqualTo(-1);
    }

    @Test
    void convolutionalBlocksGetCOutOverCInScalars() {
        SplittableRandom rng = new SplittableRandom(3);
        Conv2d conv = new Conv2d(2, 4, 3, 1, 1, 1, false, DType.FLOAT64, rng);
        Sequential net = new Sequential(conv, new BatchNorm(4, true, false, 1e-5, 0.1, DType.FLOAT64), Activation.relu(), Pool2d.max(2, 2, 0),
                new Flatten(), new Linear(4 * 3 * 3, 3, true, DType.FLOAT64, rng));
        List<Module> blocks = LocalHessianReport.blocksOf(net);
        assertThat(blocks).hasSize(2);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 8, 2, 6, 6);
        LocalHessianReport report = LocalHessianReport.of(blocks, x, LocalHessianReport.Options.defaults());
        LocalHessianReport.Entry b0 = report.blocks().get(0);
        assertThat(b0.inputScale()).isEqualTo(2.0);
        assertThat(b0.inputDim()).isEqualTo(2 * 6 * 6);
        assertThat(b0.outputDim()).isEqualTo(4 * 3 * 3);
        assertThat(b0.input().largest()).isPositive();
        assertThat(b0.weight().dim()).isEqualTo(4 * 2 * 9);
        // H_W of a conv + BN block (nearly) annihilates each filter's own direction: BN output is invariant
        // to w → αw up to ε/Var
        double[] filter = new double[4 * 2 * 9];
        double[] w = conv.weight().toDoubleArray();
        System.arraycopy(w, 18, filter, 18, 18);
        double[] hv = LocalHessian.gaussNewton(blocks.get(0), x).weightHessian().apply(filter);
        double norm = 0;
        double hvNorm = 0;
        for (int i = 0; i < filter.length; i++) {
            norm += filter[i] * filter[i];
            hvNorm += hv[i] * hv[i];
        }
        assertThat(Math.sqrt(hvNorm)).isLessThan(1e-3 * b0.weight().largest() * Math.sqrt(norm));
        assertThat(report.blocks().get(1).inputDim()).isEqualTo(36);
    }
}
