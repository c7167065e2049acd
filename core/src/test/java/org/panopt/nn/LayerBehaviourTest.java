package org.panopt.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.panopt.autograd.Autograd;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * What the layers compute, beyond their derivatives (LayerGradientTest): Linear's homogeneous view, dropout's
 * inverted scaling and its evaluation mode, batch norm's batch and running statistics (PyTorch's update rule),
 * residual skips, and the Module bookkeeping (named parameters, state dicts, zeroGrad, clear errors).
 */
class LayerBehaviourTest {
    private static final DType F64 = DType.FLOAT64;

    private static void assertClose(double[] actual, double[] expected, double tol, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) assertThat(actual[i]).as("%s element %d", what, i).isCloseTo(expected[i], within(tol));
    }

    // ---------------------------------------------------------------- Linear

    @Test
    void homogeneousWeightTimesTheExtendedInputIsTheLayer() {
        SplittableRandom rng = new SplittableRandom(1);
        Linear layer = new Linear(4, 3, true, F64, rng);
        Tensor x = Tensor.randn(rng, F64, 5, 4);
        Tensor wBar = layer.homogeneousWeight();
        assertThat(wBar.dims()).containsExactly(3, 5);
        Tensor extended = Tensor.concat(1, x, Tensor.ones(F64, 5, 1)); // ā = [x; 1]
        assertClose(extended.matmul(wBar, false, true).toDoubleArray(), layer.forward(x).toDoubleArray(), 1e-14, "W̄·[x; 1]");
        for (int o = 0; o < 3; o++) {
            assertThat(wBar.at(o, 4)).isEqualTo(layer.bias().at(o));
            for (int j = 0; j < 4; j++) assertThat(wBar.at(o, j)).isEqualTo(layer.weight().at(o, j));
        }
        // The view stays on the graph: the gradient through it reaches W and b.
        extended.matmul(layer.homogeneousWeight(), false, true).square().sum().backward();
        assertThat(layer.weight().grad()).isNotNull();
        assertThat(layer.bias().grad()).isNotNull();
        Linear noBias = new Linear(4, 3, false, F64, rng);
        assertThat(noBias.homogeneousWeight()).isSameAs(noBias.weight());
    }

    @Test
    void linearNamesAWrongInputShape() {
        Linear layer = new Linear(4, 3, true, F64, new SplittableRandom(1));
        assertThatThrownBy(() -> layer.forward(Tensor.zeros(F64, 2, 5))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[2, 5]").hasMessageContaining("4 → 3");
        assertThatThrownBy(() -> new Linear(0, 3, true, new SplittableRandom(1))).hasMessageContaining("Linear(0, 3)");
    }

    // ---------------------------------------------------------------- Dropout

    @Test
    void dropoutKeepsOrZeroesEachValueWithInvertedScaling() {
        double p = 0.3;
        Dropout d = new Dropout(p, new SplittableRandom(17));
        int n = 100_000;
        Tensor x = Tensor.rand(new SplittableRandom(2), 0.5, 1.5, F64, n);
        double[] xs = x.toDoubleArray();
        double[] y = d.forward(x).toDoubleArray();
        int kept = 0;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            if (y[i] != 0) {
                assertThat(y[i]).as("kept element %d", i).isEqualTo(xs[i] * (1 / (1 - p))); // exactly x/(1 − p)
                kept++;
            }
            sum += y[i];
        }
        // Binomial(n, 1 − p): 4.5 standard deviations either way.
        double sd = Math.sqrt(n * p * (1 - p));
        assertThat((double) kept).isCloseTo(n * (1 - p), within(4.5 * sd));
        double mean = x.mean().item();
        assertThat(sum / n).isCloseTo(mean, within(4.5 * Math.sqrt(p / (1 - p) * 1.1 / n))); // E[y] = E[x]
    }

    @Test
    void dropoutIsTheIdentityInEvalModeAndForPZeroAndReproducibleFromItsSeed() {
        Tensor x = Tensor.randn(new SplittableRandom(3), F64, 4, 5);
        Dropout d = new Dropout(0.5, new SplittableRandom(1));
        d.eval();
        assertThat(d.forward(x).toDoubleArray()).containsExactly(x.toDoubleArray());
        assertThat(new Dropout(0, new SplittableRandom(1)).forward(x).toDoubleArray()).containsExactly(x.toDoubleArray());
        double[] a = new Dropout(0.5, new SplittableRandom(8)).forward(x).toDoubleArray();
        double[] b = new Dropout(0.5, new SplittableRandom(8)).forward(x).toDoubleArray();
        assertThat(a).containsExactly(b);
        Dropout twice = new Dropout(0.5, new SplittableRandom(8));
        twice.forward(x);
        assertThat(twice.forward(x).toDoubleArray()).isNotEqualTo(a); // a new mask on every pass
        assertThatThrownBy(() -> new Dropout(1, new SplittableRandom(1))).hasMessageContaining("p 1.0");
    }

    // ---------------------------------------------------------------- BatchNorm

    @Test
    void batchNormTrainingNormalizesWithBatchStatisticsAndUpdatesRunningOnesAsPyTorch() {
        SplittableRandom rng = new SplittableRandom(4);
        BatchNorm bn = new BatchNorm(2, true, true, 1e-5, 0.1, F64);
        Autograd.noGrad(() -> {
            bn.weight().copyFrom(Tensor.of(new double[] {2, 0.5}));
            bn.bias().copyFrom(Tensor.of(new double[] {-1, 3}));
        });
        Tensor x = Tensor.randn(rng, F64, 3, 2, 2, 2).mul(2).add(1);
        double[] y = bn.forward(x).toDoubleArray();
        double[] xs = x.toDoubleArray();
        double[] gamma = {2, 0.5};
        double[] beta = {-1, 3};
        for (int c = 0; c < 2; c++) {
            double mean = 0;
            double sq = 0;
            int count = 12;
            for (int n = 0; n < 3; n++) for (int k = 0; k < 4; k++) mean += xs[(n * 2 + c) * 4 + k] / count;
            for (int n = 0; n < 3; n++) for (int k = 0; k < 4; k++) sq += Math.pow(xs[(n * 2 + c) * 4 + k] - mean, 2);
            double biased = sq / count;
            for (int n = 0; n < 3; n++) {
                for (int k = 0; k < 4; k++) {
                    int i = (n * 2 + c) * 4 + k;
                    assertThat(y[i]).isCloseTo(gamma[c] * (xs[i] - mean) / Math.sqrt(biased + 1e-5) + beta[c], within(1e-12));
                }
            }
            // running ← 0.9·running + 0.1·batch, the variance unbiased (PyTorch's BatchNorm2d).
            assertThat(bn.runningMean().at(c)).isCloseTo(0.1 * mean, within(1e-14));
            assertThat(bn.runningVar().at(c)).isCloseTo(0.9 + 0.1 * sq / (count - 1), within(1e-14));
        }
    }

    @Test
    void batchNormEvalUsesTheRunningStatistics() {
        BatchNorm bn = new BatchNorm(3, false, false, 1e-3, 0.1, F64);
        Autograd.noGrad(() -> {
            bn.runningMean().copyFrom(Tensor.of(new double[] {0.5, -1, 2}));
            bn.runningVar().copyFrom(Tensor.of(new double[] {4, 0.25, 1}));
        });
        bn.eval();
        Tensor x = Tensor.randn(new SplittableRandom(5), F64, 4, 3);
        double[] y = bn.forward(x).toDoubleArray();
        double[] xs = x.toDoubleArray();
        double[] m = {0.5, -1, 2};
        double[] v = {4, 0.25, 1};
        for (int i = 0; i < y.length; i++) assertThat(y[i]).isCloseTo((xs[i] - m[i % 3]) / Math.sqrt(v[i % 3] + 1e-3), within(1e-14));
        assertThat(bn.runningMean().toDoubleArray()).containsExactly(m); // not updated in eval mode
        assertThat(bn.parameters()).isEmpty(); // affine = false: no γ, β
        assertThat(bn.stateDict()).containsOnlyKeys("runningMean", "runningVar");
    }

    @Test
    void batchNormNamesBadInputs() {
        BatchNorm bn = new BatchNorm(3, true, true);
        assertThatThrownBy(() -> bn.forward(Tensor.zeros(DType.FLOAT32, 2, 3))).hasMessageContaining("[2, 3]").hasMessageContaining("[N, 3, H, W]");
        assertThatThrownBy(() -> bn.forward(Tensor.zeros(DType.FLOAT32, 1, 3, 1, 1))).hasMessageContaining("more than one value per channel");
        assertThatThrownBy(() -> new BatchNorm(3, false, true, 0, 0.1, F64)).hasMessageContaining("eps 0.0");
    }

    // ---------------------------------------------------------------- Residual

    @Test
    void residualSkipsAreFixedAndComputeTheirMaps() {
        SplittableRandom rng = new SplittableRandom(6);
        Linear branchLayer = new Linear(4, 4, true, F64, rng);
        Tensor x = Tensor.randn(rng, F64, 3, 4);
        double[] phi = Autograd.noGrad(() -> branchLayer.forward(x).tanh()).toDoubleArray();

        Residual identity = Residual.identity(new Sequential(branchLayer, Activation.tanh()));
        assertClose(identity.forward(x).toDoubleArray(), x.add(Tensor.of(phi, 3, 4)).toDoubleArray(), 1e-15, "z + φ(z)");
        assertThat(identity.skip()).isNull();

        Residual orthogonal = Residual.orthogonal(new Sequential(branchLayer, Activation.tanh()), 4, F64, rng);
        Tensor q = orthogonal.skip();
        assertClose(q.matmul(q, false, true).toDoubleArray(), Tensor.eye(4, F64).toDoubleArray(), 1e-13, "Q·Qᵀ");
        assertClose(orthogonal.forward(x).toDoubleArray(), x.matmul(q, false, true).add(Tensor.of(phi, 3, 4)).toDoubleArray(), 1e-14, "Q·z + φ(z)");

        Tensor s = Tensor.randn(rng, F64, 4, 4);
        Residual linear = Residual.linear(new Sequential(branchLayer, Activation.tanh()), s);
        assertClose(linear.forward(x).toDoubleArray(), x.matmul(s, false, true).add(Tensor.of(phi, 3, 4)).toDoubleArray(), 1e-14, "S·z + φ(z)");
        // The skip is state, not a trained parameter.
        assertThat(linear.parameters()).containsExactlyElementsOf(branchLayer.parameters());
        assertThat(linear.stateDict()).containsKey("skip");
        assertThatThrownBy(() -> Residual.linear(branchLayer, Tensor.zeros(F64, 4, 3))).hasMessageContaining("square").hasMessageContaining("[4, 3]");
    }

    // ---------------------------------------------------------------- Module bookkeeping

    @Test
    void namedParametersStateDictsAndZeroGrad() {
        SplittableRandom rng = new SplittableRandom(7);
        Sequential net = new Sequential(new Linear(3, 4, true, F64, rng), new BatchNorm(4, false, true, 1e-5, 0.1, F64), Activation.relu(),
                new Linear(4, 2, false, F64, rng));
        assertThat(net.namedParameters()).extracting(Parameter::name).containsExactly("0.weight", "0.bias", "1.weight", "1.bias", "3.weight");
        assertThat(net.namedParameters().get(0).owner()).isSameAs(net.get(0));
        assertThat(net.parameterCount()).isEqualTo(12 + 4 + 4 + 4 + 8);
        assertThat(net.stateDict().keySet()).containsExactly("0.weight", "0.bias", "1.weight", "1.bias", "1.runningMean", "1.runningVar", "3.weight");

        Tensor x = Tensor.randn(rng, F64, 5, 3);
        net.eval();
        double[] before = net.forward(x).toDoubleArray();
        Map<String, Tensor> saved = new java.util.LinkedHashMap<>();
        net.stateDict().forEach((k, v) -> saved.put(k, v.copy().detach()));
        Autograd.noGrad(() -> net.parameters().forEach(p -> p.fill(0.25)));
        assertThat(net.forward(x).toDoubleArray()).isNotEqualTo(before);
        net.loadStateDict(saved);
        assertThat(net.forward(x).toDoubleArray()).containsExactly(before);

        net.train();
        net.forward(x).sum().backward();
        assertThat(net.parameters()).allMatch(p -> p.grad() != null);
        net.zeroGrad();
        assertThat(net.parameters()).allMatch(p -> p.grad() == null);

        Map<String, Tensor> missing = new java.util.LinkedHashMap<>(saved);
        missing.remove("1.runningVar");
        missing.put("2.extra", Tensor.zeros(F64, 1));
        assertThatThrownBy(() -> net.loadStateDict(missing)).hasMessageContaining("missing [1.runningVar]").hasMessageContaining("unexpected [2.extra]");
        Map<String, Tensor> wrongShape = new java.util.LinkedHashMap<>(saved);
        wrongShape.put("0.bias", Tensor.zeros(F64, 5));
        assertThatThrownBy(() -> net.loadStateDict(wrongShape)).hasMessageContaining("'0.bias' has shape [5], expected [4]");
        assertThatThrownBy(() -> net.get(0).parameter("gamma")).hasMessageContaining("no parameter 'gamma'").hasMessageContaining("[weight, bias]");
    }

    @Test
    void poolingAndFlattenShapes() {
        Tensor x = Tensor.randn(new SplittableRandom(8), F64, 2, 3, 7, 6);
        assertThat(Pool2d.max(2, 2, 0).forward(x).dims()).containsExactly(2, 3, 3, 3);
        assertThat(Pool2d.average(3, 2, 1, false).forward(x).dims()).containsExactly(2, 3, 4, 3);
        assertThat(new Flatten().forward(x).dims()).containsExactly(2, 126);
        assertThatThrownBy(() -> Pool2d.max(0, 1, 0)).hasMessageContaining("kernel 0");
        assertThat(List.of(Pool2d.max(2, 2, 0).toString(), Pool2d.average(3, 1, 1, true).toString()))
                .containsExactly("MaxPool2d(2, stride 2, padding 0)", "AvgPool2d(3, stride 1, padding 1)");
    }
}
