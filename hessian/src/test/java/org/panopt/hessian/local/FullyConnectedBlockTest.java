package org.panopt.hessian.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import org.panopt.hessian.TestMatrices;
import org.panopt.hessian.spectrum.ConditionNumber;
import org.panopt.hessian.spectrum.DenseSpectrum;
import org.panopt.init.Initializer;
import org.panopt.nn.Linear;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/** Eqs. 7–11: closed forms vs Jacobian products, the orthogonal case, and the Marchenko–Pastur fit. */
class FullyConnectedBlockTest {

    private static Linear layer(int in, int out, long seed) {
        return new Linear(in, out, false, DType.FLOAT64, new SplittableRandom(seed));
    }

    @Test
    void closedFormsEqualTheHessiansFromJacobianProducts() {
        Linear fc = layer(7, 5, 1);
        Tensor z = Tensor.randn(new SplittableRandom(2), DType.FLOAT64, 11, 7);
        LocalHessian local = LocalHessian.gaussNewton(fc, z);
        DMatrixRMaj hz = FullyConnectedBlock.inputHessian(fc.weight());
        TestMatrices.assertClose(local.meanInputHessian().toDense(), hz, 1e-13, "mean H_z = WᵀW");
        TestMatrices.assertClose(local.inputHessianOfSample(4).toDense(), hz, 1e-13, "H_z of sample 4 = WᵀW");
        TestMatrices.assertClose(local.weightHessian().toDense(), FullyConnectedBlock.weightHessian(fc.weight(), z).toDense(), 1e-13,
                "H_vec(W) = I ⊗ (1/m) ZᵀZ");
        // the batch input Hessian is block diagonal with WᵀW blocks: no cross-sample terms without BN
        DMatrixRMaj batch = local.inputHessian().toDense();
        TestMatrices.assertClose(CommonOps_DDRM.extract(batch, 14, 21, 14, 21), hz, 1e-13, "diagonal block 2");
        assertThat(TestMatrices.maxAbs(CommonOps_DDRM.extract(batch, 0, 7, 7, 14))).isZero();
        // ℓ_b is quadratic: any residual leaves the Hessians unchanged
        LocalHessian exact = LocalHessian.exact(fc, z, Tensor.randn(new SplittableRandom(3), DType.FLOAT64, 11, 5));
        TestMatrices.assertClose(exact.meanInputHessian().toDense(), hz, 1e-13, "exact H_z");
        TestMatrices.assertClose(exact.weightHessian().toDense(), local.weightHessian().toDense(), 1e-13, "exact H_W");
        TestMatrices.assertClose(local.inputJacobianOfSample(0), DMatrixRMaj.wrap(5, 7, fc.weight().toDoubleArray()), 0, "Jacobian = W");
    }

    @Test
    void orthonormalRowsGiveEigenvaluesOneAndZero() {
        int nb = 30;
        int nPrev = 50;
        Linear fc = layer(nPrev, nb, 4);
        Initializer.orthogonal().fill(fc.weight(), new SplittableRandom(5));
        double[] lambda = DenseSpectrum.eigenvalues(LocalHessian.gaussNewton(fc, Tensor.randn(new SplittableRandom(6), DType.FLOAT64, 3, nPrev))
                .inputHessianOfSample(0));
        for (int i = 0; i < nb; i++) assertThat(lambda[i]).as("λ%d", i).isCloseTo(1, within(1e-12));
        for (int i = nb; i < nPrev; i++) assertThat(lambda[i]).as("λ%d", i).isCloseTo(0, within(1e-12));
        ConditionNumber c = ConditionNumber.ofEigenvalues(lambda, ConditionNumber.defaultTolerance(nPrev));
        assertThat(c.value()).isCloseTo(1, within(1e-12));
        assertThat(c.rank()).isEqualTo(nb);
        // a Gaussian W of the same shape is far from it
        Linear gauss = layer(nPrev, nb, 7);
        Initializer.gaussian(1 / Math.sqrt(nb)).fill(gauss.weight(), new SplittableRandom(8));
        double cGauss = ConditionNumber.ofEigenvalues(DenseSpectrum.eigenvalues(FullyConnectedBlock.inputHessian(gauss.weight())),
                ConditionNumber.defaultTolerance(nPrev)).value();
        assertThat(cGauss).isGreaterThan(10);
    }

    /** H_z of an n_b × n_{b−1} weight with N(0, σ²/n_b) entries. */
    private static double[] gaussianInputHessianSpectrum(int nb, int nPrev, double sigma2, long seed) {
        Tensor w = Tensor.zeros(DType.FLOAT64, nb, nPrev);
        Initializer.gaussian(Math.sqrt(sigma2 / nb)).fill(w, new SplittableRandom(seed));
        return DenseSpectrum.eigenvalues(FullyConnectedBlock.inputHessian(w));
    }

    @Test
    void marchenkoPasturFitsAGaussian400By800Weight() {
        double sigma2 = 2.0;
        double[] lambda = gaussianInputHessianSpectrum(400, 800, sigma2, 9);
        MarchenkoPastur mp = new MarchenkoPastur(0.5, sigma2);
        assertThat(mp.kolmogorovSmirnov(lambda, 1e-10)).as("KS distance").isLessThan(0.05);
        // support end points (eq. 11) and the atom at zero
        assertThat(lambda[0]).isCloseTo(mp.upper(), within(0.05 * mp.upper()));
        assertThat(lambda[399]).isCloseTo(mp.lower(), within(0.1 * mp.lower()));
        assertThat(Math.abs(lambda[400])).isLessThan(1e-10 * lambda[0]);
        double mean = 0;
        for (double l : lambda) mean += l / lambda.length;
        assertThat(mean).as("mean eigenvalue = σ²").isCloseTo(sigma2, within(0.02 * sigma2));
        // a wrong law is rejected by the same statistic
        assertThat(new MarchenkoPastur(0.5, 1.5 * sigma2).kolmogorovSmirnov(lambda, 1e-10)).isGreaterThan(0.05);
        assertThat(new MarchenkoPastur(0.4, sigma2).kolmogorovSmirnov(lambda, 1e-10)).isGreaterThan(0.05);
    }

    @Test
    void marchenkoPasturFitsAWideWeightWithoutZeroEigenvalues() {
        double[] lambda = gaussianInputHessianSpectrum(500, 250, 1.0, 10); // c = 2: full rank
        MarchenkoPastur mp = new MarchenkoPastur(2, 1);
        assertThat(mp.zeroMass()).isZero();
        assertThat(mp.kolmogorovSmirnov(lambda, 1e-10)).isLessThan(0.05);
        assertThat(lambda[249]).isCloseTo(mp.lower(), within(0.1 * mp.lower()));
    }

    @Test
    void marchenkoPasturLawIsAProbabilityMeasureWithMeanSigma2() {
        for (double c : new double[] {0.25, 0.5, 1, 2, 4}) {
            MarchenkoPastur mp = new MarchenkoPastur(c, 3);
            assertThat(mp.cumulative(mp.upper() + 1)).as("total mass, c = %s", c).isCloseTo(1, within(1e-9));
            assertThat(mp.cumulative(-1)).isZero();
            assertThat(mp.cumulative(0)).isCloseTo(mp.zeroMass(), within(1e-12));
            // ∫ λ dρ by the trapezoid rule on the density = σ²
            int steps = 200000;
            double lo = mp.lower();
            double h = (mp.upper() - lo) / steps;
            double mean = 0;
            double mass = 0;
            for (int i = 1; i < steps; i++) {
                double l = lo + i * h;
                mean += l * mp.density(l) * h;
                mass += mp.density(l) * h;
            }
            assertThat(mean).as("mean, c = %s", c).isCloseTo(3, within(1e-3));
            assertThat(mass).as("continuous mass, c = %s", c).isCloseTo(Math.min(c, 1), within(c == 1 ? 2e-2 : 1e-3));
            assertThat(mp.cumulative(0.5 * (lo + mp.upper()))).isBetween(mp.zeroMass(), 1.0);
        }
        // the condition number of the non-zero part
        assertThat(new MarchenkoPastur(0.25, 1).conditionNumber()).isCloseTo(9, within(1e-12));
    }
}
