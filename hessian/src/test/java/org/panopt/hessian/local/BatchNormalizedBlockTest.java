package org.panopt.hessian.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.panopt.autograd.Autograd;
import org.panopt.hessian.TestMatrices;
import org.panopt.hessian.spectrum.DenseSpectrum;
import org.panopt.init.Initializer;
import org.panopt.nn.BatchNorm;
import org.panopt.nn.BlockScales;
import org.panopt.nn.Linear;
import org.panopt.nn.Sequential;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/** Eqs. 16–19, Remarks 2 and 3: a fully connected layer followed by batch norm without trainable parameters. */
class BatchNormalizedBlockTest {
    private static final double EPS = 1e-5;

    private static Sequential block(int in, int out, double eps, long seed) {
        return new Sequential(new Linear(in, out, false, DType.FLOAT64, new SplittableRandom(seed)),
                new BatchNorm(out, false, false, eps, 0.1, DType.FLOAT64));
    }

    private static Tensor weightOf(Sequential block) {
        return ((Linear) block.layers().getFirst()).weight();
    }

    /** Inputs with correlated, shifted features (so that centring and Σ matter). */
    private static Tensor inputs(int m, int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor g = Tensor.randn(rng, DType.FLOAT64, m, n);
        Tensor mix = Tensor.randn(rng, DType.FLOAT64, n, n).mul(0.4).add(Tensor.eye(n, DType.FLOAT64));
        return g.matmul(mix).add(Tensor.randn(rng, DType.FLOAT64, 1, n));
    }

    @Test
    void eq17IsThePerSampleInputHessianWithBatchStatisticsFrozen() {
        Sequential b = block(6, 9, EPS, 1);
        Tensor z = inputs(40, 6, 2);
        LocalHessian local = LocalHessian.gaussNewton(b, z);
        DMatrixRMaj expected = BatchNormalizedBlock.inputHessian(weightOf(b), z, EPS);
        TestMatrices.assertClose(local.inputHessianOfSample(0).toDense(), expected, 1e-12, "H_z of sample 0");
        TestMatrices.assertClose(local.inputHessianOfSample(37).toDense(), expected, 1e-12, "H_z of sample 37");
        TestMatrices.assertClose(local.meanInputHessian().toDense(), expected, 1e-12, "mean H_z");
        assertThat(b.isTraining()).as("modes restored").isTrue();
        assertThat(((BatchNorm) b.layers().get(1)).runningMean().toDoubleArray()).as("running mean restored").containsOnly(0.0);
    }

    @Test
    void eq18IsTheExactGaussNewtonWeightHessianThroughTheBatch() {
        Sequential b = block(5, 4, EPS, 3);
        Tensor z = inputs(30, 5, 4);
        DMatrixRMaj generic = LocalHessian.gaussNewton(b, z).weightHessian().toDense();
        TestMatrices.assertClose(generic, BatchNormalizedBlock.weightHessian(weightOf(b), z, EPS).toDense(), 1e-10, "H_vec(W)");
        // eq. 18 at ε = 0: (1/σ_w²)(Σ − Σwwᵀ Σ/σ_w²) annihilates w (scale invariance of BN in w)
        DMatrixRMaj h0 = BatchNormalizedBlock.weightHessianOfRow(weightOf(b), 2, z, 0);
        double[] w = new double[5];
        System.arraycopy(weightOf(b).toDoubleArray(), 10, w, 0, 5);
        double[] hw = org.panopt.hessian.DenseOperator.symmetric(h0).apply(w);
        for (double x : hw) assertThat(Math.abs(x)).isLessThan(1e-12);
    }

    /** max |exact per-sample block − eq. 17| / max |eq. 17| at batch size m. */
    private static double exactVersusEq17(int m) {
        int n = 6;
        Sequential b = block(n, 10, EPS, 5);
        Tensor z = inputs(m, n, 6);
        LocalHessian local = LocalHessian.gaussNewton(b, z);
        DMatrixRMaj eq17 = BatchNormalizedBlock.inputHessian(weightOf(b), z, EPS);
        double worst = 0;
        for (int j : new int[] {0, m / 2}) {
            DMatrixRMaj exact = local.inputHessian().restrict(j * n, (j + 1) * n).toDense();
            for (int i = 0; i < exact.data.length; i++) worst = Math.max(worst, Math.abs(exact.data[i] - eq17.data[i]));
        }
        return worst / TestMatrices.maxAbs(eq17);
    }

    @Test
    void theExactPerSampleBlockDiffersFromEq17ByOrderOneOverM() {
        double small = exactVersusEq17(32);
        double large = exactVersusEq17(512);
        assertThat(large).as("relative difference at m = 512").isLessThan(0.02);
        assertThat(small / large).as("16× the batch, ≈ 16× closer").isGreaterThan(6);
    }

    @Test
    void remark2TheInputHessianSpectrumDoesNotDependOnTheScaleOfW() {
        Tensor z = inputs(50, 8, 7);
        Sequential b = block(8, 12, 1e-14, 8); // ε ≪ Var: the invariance is exact up to ε/Var
        double[] reference = DenseSpectrum.eigenvalues(LocalHessian.gaussNewton(b, z).meanInputHessian());
        Sequential plain = new Sequential(new Linear(8, 12, false, DType.FLOAT64, new SplittableRandom(8)));
        double[] plainReference = DenseSpectrum.eigenvalues(LocalHessian.gaussNewton(plain, z).meanInputHessian());
        for (double alpha : new double[] {0.01, 3, 250}) {
            Autograd.noGrad(() -> weightOf(b).mulInPlace(alpha));
            Autograd.noGrad(() -> weightOf(plain).mulInPlace(alpha));
            assertThat(DenseSpectrum.eigenvalues(LocalHessian.gaussNewton(b, z).meanInputHessian()))
                    .as("with BN, W → %s·W", alpha).containsExactly(reference, within(1e-9 * reference[0]));
            double[] scaled = DenseSpectrum.eigenvalues(LocalHessian.gaussNewton(plain, z).meanInputHessian());
            assertThat(scaled[0]).as("without BN the spectrum scales by α²").isCloseTo(alpha * alpha * plainReference[0], within(1e-9 * scaled[0]));
            Autograd.noGrad(() -> weightOf(b).mulInPlace(1 / alpha));
            Autograd.noGrad(() -> weightOf(plain).mulInPlace(1 / alpha));
        }
    }

    @Test
    void remark3WeightHessianDiagonalIsIOverNormSquaredWhenTheInputComesFromBatchNorm() {
        int m = 2000;
        int n = 40;
        int nb = 40;
        SplittableRandom rng = new SplittableRandom(9);
        // raw features with very different scales and offsets, then a batch norm layer: z_{b−1} = BN(x)
        double[] scales = new double[n];
        for (int k = 0; k < n; k++) scales[k] = Math.exp(rng.nextDouble(-2, 2));
        Tensor x = Tensor.randn(rng, DType.FLOAT64, m, n).mul(Tensor.of(scales, 1, n)).add(Tensor.randn(rng, DType.FLOAT64, 1, n).mul(5));
        Tensor z = Autograd.noGrad(() -> new BatchNorm(n, false, false, EPS, 0.1, DType.FLOAT64).forward(x));
        Tensor w = Tensor.zeros(DType.FLOAT64, nb, n);
        Initializer.gaussian(1).fill(w, rng); // w independent of z
        double[] wd = w.toDoubleArray();
        double[] perCoordinate = new double[n];
        double overall = 0;
        double[] rawPerCoordinate = new double[n];
        java.util.List<DMatrixRMaj> rows = BatchNormalizedBlock.weightHessianRows(w, z, EPS);
        java.util.List<DMatrixRMaj> rawRows = BatchNormalizedBlock.weightHessianRows(w, x, EPS);
        for (int i = 0; i < nb; i++) {
            double norm2 = 0;
            for (int k = 0; k < n; k++) norm2 += wd[i * n + k] * wd[i * n + k];
            DMatrixRMaj h = rows.get(i);
            DMatrixRMaj raw = rawRows.get(i);
            for (int k = 0; k < n; k++) {
                perCoordinate[k] += norm2 * h.get(k, k) / nb;
                rawPerCoordinate[k] += norm2 * raw.get(k, k) / nb;
                overall += norm2 * h.get(k, k) / (nb * n);
            }
        }
        // with Σ = I exactly, ‖w‖²·diag(H_w) averages 1 − 1/n (spec A.7, Remark 3 made precise)
        assertThat(overall).isCloseTo(1 - 1.0 / n, within(0.03));
        for (int k = 0; k < n; k++) assertThat(perCoordinate[k]).as("coordinate %d", k).isCloseTo(1 - 1.0 / n, within(0.12));
        // without batch norm on the input, the diagonal follows the feature scales: badly conditioned
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (double d : rawPerCoordinate) {
            lo = Math.min(lo, d);
            hi = Math.max(hi, d);
        }
        assertThat(hi / lo).isGreaterThan(10);
    }

    @Test
    void eq19BatchNormSpectrumIsMarchenkoPasturWithSigma2EqualToC() {
        Tensor w = Tensor.zeros(DType.FLOAT64, 400, 800);
        Initializer.gaussian(0.37).fill(w, new SplittableRandom(10)); // any scale: BN removes it
        double[] lambda = DenseSpectrum.eigenvalues(BatchNormalizedBlock.inputHessianWhitened(w));
        MarchenkoPastur mp = MarchenkoPastur.withBatchNorm(0.5);
        assertThat(mp.kolmogorovSmirnov(lambda, 1e-10)).isLessThan(0.05);
        assertThat(lambda[0]).isCloseTo(Math.pow(1 + Math.sqrt(0.5), 2), within(0.05 * lambda[0]));
        // the mean eigenvalue is c = n_b/n_{b−1} = m_{b,z} of the scale-amended rule (exactly: tr = n_b)
        double mean = 0;
        for (double l : lambda) mean += l / lambda.length;
        assertThat(mean).isCloseTo(BlockScales.inputScale(w), within(1e-12));
    }
}
