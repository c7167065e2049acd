package org.panopt.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.panopt.nn.Conv2d;
import org.panopt.nn.Linear;
import org.panopt.tensor.DType;
import org.panopt.tensor.Shape;
import org.panopt.tensor.Tensor;

/**
 * The initializers' statistics against their definitions, with fixed seeds and tolerances of about four
 * standard errors (so a wrong constant — a fan-out for a fan-in, a missing gain, a √2 — fails):
 * <ul>
 * <li>a sample variance s² of n draws has standard error ≈ σ²·√(2/n) (normal) or σ²·√(0.8/n) (uniform: excess
 *     kurtosis −1.2);</li>
 * <li>uniform draws stay inside their bound and come within a hair of it.</li>
 * </ul>
 */
class InitializerTest {

    private record Moments(double mean, double variance, double maxAbs) {}

    private static Moments moments(double[] v) {
        double mean = 0;
        for (double x : v) mean += x / v.length;
        double var = 0;
        double max = 0;
        for (double x : v) {
            var += (x - mean) * (x - mean) / (v.length - 1);
            max = Math.max(max, Math.abs(x));
        }
        return new Moments(mean, var, max);
    }

    private static void assertNormal(double[] v, double sigma) {
        Moments m = moments(v);
        double se = Math.sqrt(2.0 / v.length);
        assertThat(m.mean()).as("mean").isCloseTo(0, within(4 * sigma / Math.sqrt(v.length)));
        assertThat(m.variance()).as("variance").isCloseTo(sigma * sigma, within(4 * sigma * sigma * se));
    }

    private static void assertUniform(double[] v, double bound) {
        Moments m = moments(v);
        double var = bound * bound / 3;
        assertThat(m.maxAbs()).as("largest |value|").isLessThanOrEqualTo(bound).isGreaterThan(0.999 * bound);
        assertThat(m.mean()).as("mean").isCloseTo(0, within(4 * Math.sqrt(var / v.length)));
        assertThat(m.variance()).as("variance").isCloseTo(var, within(4 * var * Math.sqrt(0.8 / v.length)));
    }

    private static final int[] LINEAR = {300, 200};     // fanIn 200, fanOut 300
    private static final int[] CONV = {64, 16, 5, 5};  // fanIn 400, fanOut 1600

    @Test
    void fansFollowPyTorch() {
        assertThat(Fans.of(Shape.of(LINEAR))).isEqualTo(new Fans(200, 300));
        assertThat(Fans.of(Shape.of(CONV))).isEqualTo(new Fans(400, 1600));
        assertThat(Fans.of(Shape.of(7))).isEqualTo(new Fans(7, 7));
    }

    @Test
    void gaussianAndUniformHaveTheirMoments() {
        SplittableRandom rng = new SplittableRandom(1);
        assertNormal(Initializer.gaussian(0.05).sample(LINEAR, rng), 0.05);
        double[] u = Initializer.uniform(-0.3, 0.7).sample(LINEAR, rng);
        Moments m = moments(u);
        for (double x : u) assertThat(x).isGreaterThanOrEqualTo(-0.3).isLessThan(0.7);
        assertThat(m.mean()).isCloseTo(0.2, within(4 * Math.sqrt(1 / 12.0 / u.length)));
        assertThat(m.variance()).isCloseTo(1 / 12.0, within(4 / 12.0 * Math.sqrt(0.8 / u.length)));
    }

    @Test
    void xavierUsesBothFans() {
        SplittableRandom rng = new SplittableRandom(2);
        assertUniform(Initializer.xavierUniform().sample(LINEAR, rng), Math.sqrt(6.0 / 500));
        assertUniform(Initializer.xavierUniform(5.0 / 3).sample(CONV, rng), 5.0 / 3 * Math.sqrt(6.0 / 2000));
        assertNormal(Initializer.xavierNormal().sample(LINEAR, rng), Math.sqrt(2.0 / 500));
        assertNormal(Initializer.xavierNormal(2).sample(CONV, rng), 2 * Math.sqrt(2.0 / 2000));
    }

    @Test
    void kaimingUsesTheFanInForReLU() {
        SplittableRandom rng = new SplittableRandom(3);
        assertUniform(Initializer.kaimingUniform().sample(LINEAR, rng), Math.sqrt(6.0 / 200));
        assertUniform(Initializer.kaimingUniform().sample(CONV, rng), Math.sqrt(6.0 / 400));
        assertNormal(Initializer.kaimingNormal().sample(LINEAR, rng), Math.sqrt(2.0 / 200));
        assertNormal(Initializer.kaimingNormal().sample(CONV, rng), Math.sqrt(2.0 / 400));
    }

    @Test
    void pyTorchDefaultsOfLinearAndConv() {
        SplittableRandom rng = new SplittableRandom(4);
        Linear linear = new Linear(200, 300, true, DType.FLOAT64, rng);
        assertUniform(linear.weight().toDoubleArray(), 1 / Math.sqrt(200));
        double[] bias = linear.bias().toDoubleArray();
        for (double b : bias) assertThat(Math.abs(b)).isLessThanOrEqualTo(1 / Math.sqrt(200));
        Conv2d conv = new Conv2d(16, 64, 5, 1, 0, 1, true, DType.FLOAT64, rng);
        assertUniform(conv.weight().toDoubleArray(), 1 / Math.sqrt(400));
    }

    @Test
    void orthogonalRowsOrColumnsAreOrthonormalTimesTheGain() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int[] dims : new int[][] {{6, 6}, {4, 9}, {9, 4}, {3, 2, 2, 2}}) {
            double gain = 1.5;
            double[] w = Initializer.orthogonal(gain).sample(dims, rng);
            int rows = dims[0];
            int cols = w.length / rows;
            boolean wide = rows <= cols; // orthonormal rows; else orthonormal columns
            int k = Math.min(rows, cols);
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < k; b++) {
                    double dot = 0;
                    for (int i = 0; i < Math.max(rows, cols); i++) {
                        dot += wide ? w[a * cols + i] * w[b * cols + i] : w[i * cols + a] * w[i * cols + b];
                    }
                    assertThat(dot).as("%s: (%d, %d)", java.util.Arrays.toString(dims), a, b).isCloseTo(a == b ? gain * gain : 0, within(1e-12));
                }
            }
        }
    }

    /**
     * Haar measure: every entry of a random n×n orthogonal matrix has mean 0 and variance 1/n. Without the sign
     * correction by diag(R), the column signs follow the Householder QR's convention instead of the Gaussian's,
     * a bias the mean of Q[0][0] exposes (this test fails with the correction removed).
     */
    @Test
    void orthogonalIsHaarDistributed() {
        SplittableRandom rng = new SplittableRandom(6);
        int n = 4;
        int draws = 4000;
        double[] first = new double[draws];
        double[] diagonal = new double[draws];
        for (int d = 0; d < draws; d++) {
            double[] q = Initializer.orthogonal().sample(new int[] {n, n}, rng);
            first[d] = q[0];
            diagonal[d] = q[3 * n + 3];
        }
        for (double[] entry : new double[][] {first, diagonal}) {
            Moments m = moments(entry);
            assertThat(m.mean()).isCloseTo(0, within(4 * Math.sqrt(1.0 / n / draws)));
            assertThat(m.variance()).isCloseTo(1.0 / n, within(0.1 / n));
        }
    }

    @Test
    void sparseGivesExactlyKUniformlyPlacedGaussianWeightsPerUnit() {
        SplittableRandom rng = new SplittableRandom(7);
        int rows = 2000;
        int fanIn = 40;
        double[] w = Initializer.sparse(15, 2).sample(new int[] {rows, fanIn}, rng);
        int[] perColumn = new int[fanIn];
        double[] nonZero = new double[rows * 15];
        int seen = 0;
        for (int r = 0; r < rows; r++) {
            int count = 0;
            for (int j = 0; j < fanIn; j++) {
                if (w[r * fanIn + j] != 0) {
                    count++;
                    perColumn[j]++;
                    nonZero[seen++] = w[r * fanIn + j];
                }
            }
            assertThat(count).as("row %d", r).isEqualTo(15);
        }
        // Each input is chosen with probability 15/40: Binomial(2000, 3/8) per column.
        double p = 15.0 / fanIn;
        for (int j = 0; j < fanIn; j++) assertThat((double) perColumn[j]).as("column %d", j).isCloseTo(rows * p, within(4.5 * Math.sqrt(rows * p * (1 - p))));
        assertNormal(nonZero, 2);
        // Fewer inputs than nonZero: every weight is used.
        for (double x : Initializer.sparse(15, 1).sample(new int[] {3, 2, 2, 2}, rng)) assertThat(x).isNotZero();
        assertThatThrownBy(() -> Initializer.sparse(0, 1)).hasMessageContaining("nonZero 0");
    }

    @Test
    void constantsAndSeedsAndPerLayerApplication() {
        Tensor t = Initializer.constant(0.25).fill(Tensor.zeros(DType.FLOAT32, 2, 3), new SplittableRandom(1));
        assertThat(t.toDoubleArray()).containsOnly(0.25);
        assertThat(Initializer.zeros().sample(new int[] {4}, new SplittableRandom(1))).containsOnly(0.0);
        // The same seed gives the same network; another seed another one.
        double[] a = Initializer.xavierNormal().sample(CONV, new SplittableRandom(11));
        assertThat(Initializer.xavierNormal().sample(CONV, new SplittableRandom(11))).containsExactly(a);
        assertThat(Initializer.xavierNormal().sample(CONV, new SplittableRandom(12))).isNotEqualTo(a);
        // Per layer: weight and bias initializers are applied to a layer that requires gradients.
        Linear layer = new Linear(5, 4, true, DType.FLOAT32, new SplittableRandom(1))
                .initialize(Initializer.orthogonal(), Initializer.constant(0.1), new SplittableRandom(2));
        for (double b : layer.bias().toDoubleArray()) assertThat(b).isCloseTo(0.1, within(1e-7));
        assertThat(layer.weight().requiresGrad()).isTrue();
    }
}
