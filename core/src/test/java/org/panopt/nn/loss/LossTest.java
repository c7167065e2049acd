package org.panopt.nn.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.panopt.autograd.Autograd;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/** Values, gradients, output Hessians and predictive distributions of the three losses. */
class LossTest {
    private static final SplittableRandom RNG = new SplittableRandom(11);

    @Test
    void valuesMatchTheirDefinitions() {
        Tensor z = Tensor.of(new double[] {0.5, -1, 2, 0}, 2, 2);
        Tensor y = Tensor.of(new double[] {1, 0, 1, 1}, 2, 2);
        assertThat(new MeanSquaredError().loss(z, y).item()).isCloseTo((0.25 + 1 + 1 + 1) / 4, within(1e-15));
        assertThat(MeanSquaredError.halfSumPerCase().loss(z, y).item()).isCloseTo(0.5 * (0.25 + 1 + 1 + 1) / 2, within(1e-15));
        double bce = 0;
        double[] zv = z.toDoubleArray(), yv = y.toDoubleArray();
        for (int i = 0; i < 4; i++) {
            double p = 1 / (1 + Math.exp(-zv[i]));
            bce -= yv[i] * Math.log(p) + (1 - yv[i]) * Math.log(1 - p);
        }
        assertThat(new SigmoidCrossEntropy().loss(z, y).item()).isCloseTo(bce / 4, within(1e-14));
        assertThat(new SigmoidCrossEntropy(Reduction.BATCH_MEAN).loss(z, y).item()).isCloseTo(bce / 2, within(1e-14));
        Tensor labels = Tensor.of(new double[] {1, 0});
        double ce = -(Math.log(Math.exp(-1) / (Math.exp(0.5) + Math.exp(-1))) + Math.log(Math.exp(2) / (Math.exp(2) + 1)));
        assertThat(new SoftmaxCrossEntropy().loss(z, labels).item()).isCloseTo(ce / 2, within(1e-14));
        assertThat(new SoftmaxCrossEntropy(Reduction.SUM).loss(z, SoftmaxCrossEntropy.oneHot(labels, 2)).item()).isCloseTo(ce, within(1e-14));
    }

    @Test
    void stableForExtremeLogits() {
        Tensor z = Tensor.of(new double[] {1000, -1000, 0, -1000, 1000, 0}, 2, 3);
        assertThat(new SoftmaxCrossEntropy().loss(z, Tensor.of(new double[] {0, 1})).item()).isCloseTo(0, within(1e-12));
        assertThat(new SoftmaxCrossEntropy().loss(z, Tensor.of(new double[] {1, 0})).item()).isCloseTo(2000, within(1e-9));
        Tensor y = Tensor.of(new double[] {1, 0, 1, 0, 1, 0}, 2, 3);
        double v = new SigmoidCrossEntropy(Reduction.SUM).loss(z.to(DType.FLOAT32), y.to(DType.FLOAT32)).item();
        assertThat(v).isCloseTo(2 * Math.log(2), within(1e-5)); // confident right answers cost 0; the two zeros log 2 each
    }

    /** ∇²_z L·v from outputHessianVectorProduct equals the double-backward Hessian of the loss itself. */
    @Test
    void outputHessianEqualsTheAutogradHessian() {
        Tensor z0 = Tensor.randn(RNG, DType.FLOAT64, 3, 4);
        Tensor v = Tensor.randn(RNG, DType.FLOAT64, 3, 4);
        List<Object[]> cases = List.of(
                new Object[] {new MeanSquaredError(), Tensor.randn(RNG, DType.FLOAT64, 3, 4)},
                new Object[] {MeanSquaredError.halfSumPerCase(), Tensor.randn(RNG, DType.FLOAT64, 3, 4)},
                new Object[] {new SigmoidCrossEntropy(Reduction.BATCH_MEAN), Tensor.rand(RNG, 0, 1, DType.FLOAT64, 3, 4)},
                new Object[] {new SoftmaxCrossEntropy(), Tensor.of(new double[] {3, 0, 2})},
                new Object[] {new SoftmaxCrossEntropy(Reduction.SUM), Tensor.of(new double[] {1, 1, 2})});
        for (Object[] c : cases) {
            Loss loss = (Loss) c[0];
            Tensor z = z0.copy().requiresGrad(true);
            Tensor hv = Autograd.hvp(loss.loss(z, (Tensor) c[1]), List.of(z), List.of(v)).getFirst();
            double[] expected = hv.toDoubleArray();
            double[] got = loss.outputHessianVectorProduct(z0, v).toDoubleArray();
            for (int i = 0; i < got.length; i++) {
                assertThat(got[i]).as("%s element %d", loss.getClass().getSimpleName(), i).isCloseTo(expected[i], within(1e-12));
            }
        }
    }

    /** E_{y~R(y|z)} [∇_z L (∇_z L)ᵀ] = ∇²_z L (the Fisher of the predictive distribution), checked on one case by sampling. */
    @Test
    void sampledTargetsHaveTheModelsDistribution() {
        int draws = 40_000;
        Tensor z = Tensor.of(new double[] {0.3, -1.2, 2.0}, 1, 3);
        // Categorical: label frequencies match softmax(z).
        double[] p = z.softmax(1).toDoubleArray();
        double[] freq = new double[3];
        Tensor many = z.expand(draws, 3);
        for (double l : new SoftmaxCrossEntropy().sample(many, RNG).toDoubleArray()) freq[(int) l] += 1.0 / draws;
        for (int k = 0; k < 3; k++) assertThat(freq[k]).as("class %d", k).isCloseTo(p[k], within(4 * Math.sqrt(p[k] * (1 - p[k]) / draws)));
        // Bernoulli: means match sigmoid(z).
        Tensor bern = new SigmoidCrossEntropy().sample(many, RNG).mean(new int[] {0}, false);
        double[] sig = z.sigmoid().toDoubleArray();
        for (int k = 0; k < 3; k++) assertThat(bern.toDoubleArray()[k]).isCloseTo(sig[k], within(4 * Math.sqrt(0.25 / draws)));
        // Gaussian: mean z, variance 1/(2c).
        for (double c : new double[] {1, 0.5}) {
            Tensor s = new MeanSquaredError(c, Reduction.MEAN).sample(many, RNG);
            double[] mean = s.mean(new int[] {0}, false).toDoubleArray();
            double[] var = s.var(new int[] {0}, false, 1).toDoubleArray();
            double sigma2 = 1 / (2 * c);
            for (int k = 0; k < 3; k++) {
                assertThat(mean[k]).isCloseTo(z.at(0, k), within(4 * Math.sqrt(sigma2 / draws)));
                assertThat(var[k]).isCloseTo(sigma2, within(4 * sigma2 * Math.sqrt(2.0 / draws)));
            }
        }
    }

    @Test
    void fisherOfTheSamplesEqualsTheOutputHessian() {
        // For a canonical-link loss, E_y[g gᵀ] with g = ∇_z L(y, z) equals ∇²_z L: check the softmax case.
        int draws = 40_000;
        Tensor z = Tensor.of(new double[] {0.5, -0.3, 1.1}, 1, 3);
        Loss loss = new SoftmaxCrossEntropy(Reduction.SUM);
        double[][] fisher = new double[3][3];
        double[] p = z.softmax(1).toDoubleArray();
        for (double label : loss.sample(z.expand(draws, 3), RNG).toDoubleArray()) {
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++) fisher[i][j] += (p[i] - (i == label ? 1 : 0)) * (p[j] - (j == label ? 1 : 0)) / draws;
        }
        for (int j = 0; j < 3; j++) {
            double[] e = new double[3];
            e[j] = 1;
            double[] col = loss.outputHessianVectorProduct(z, Tensor.of(e, 1, 3)).toDoubleArray();
            for (int i = 0; i < 3; i++) assertThat(fisher[i][j]).as("F[%d][%d]", i, j).isCloseTo(col[i], within(0.01));
        }
    }

    @Test
    void badTargetsAreClearErrors() {
        Tensor z = Tensor.zeros(DType.FLOAT64, 2, 3);
        assertThatThrownBy(() -> new SoftmaxCrossEntropy().loss(z, Tensor.of(new double[] {0, 3}))).hasMessageContaining("label 3.0").hasMessageContaining("[0, 3)");
        assertThatThrownBy(() -> new SoftmaxCrossEntropy().loss(z, Tensor.zeros(DType.FLOAT64, 2, 4))).hasMessageContaining("[2, 4]");
        assertThatThrownBy(() -> new MeanSquaredError().loss(z, Tensor.zeros(DType.FLOAT64, 3, 2))).hasMessageContaining("[2, 3]").hasMessageContaining("[3, 2]");
        assertThatThrownBy(() -> new SigmoidCrossEntropy().loss(z, Tensor.zeros(DType.FLOAT64, 2))).hasMessageContaining("[2, 3]");
    }
}
