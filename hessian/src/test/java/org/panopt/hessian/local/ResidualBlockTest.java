package org.panopt.hessian.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.RandomMatrices_DDRM;
import org.junit.jupiter.api.Test;
import org.panopt.autograd.Autograd;
import org.panopt.hessian.TestMatrices;
import org.panopt.hessian.spectrum.ConditionNumber;
import org.panopt.hessian.spectrum.DenseSpectrum;
import org.panopt.init.Initializer;
import org.panopt.nn.Activation;
import org.panopt.nn.Linear;
import org.panopt.nn.Module;
import org.panopt.nn.Residual;
import org.panopt.nn.Sequential;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/** Eqs. 12–15 and Remark 1: residual blocks with identity, orthogonal and non-orthogonal skips. */
class ResidualBlockTest {
    private static final int N = 8;

    private static Linear linearBranch(double scale, long seed) {
        Linear l = new Linear(N, N, false, DType.FLOAT64, new SplittableRandom(seed));
        Initializer.gaussian(scale / Math.sqrt(N)).fill(l.weight(), new SplittableRandom(seed + 1));
        return l;
    }

    private static Tensor batch(int m, long seed) {
        return Tensor.randn(new SplittableRandom(seed), DType.FLOAT64, m, N);
    }

    private static DMatrixRMaj matrix(Tensor t) {
        return DMatrixRMaj.wrap(t.dim(0), t.dim(1), t.toDoubleArray());
    }

    private static double condition(DMatrixRMaj h) {
        return ConditionNumber.ofEigenvalues(DenseSpectrum.eigenvalues(h), ConditionNumber.defaultTolerance(h.numRows)).value();
    }

    @Test
    void gaussNewtonInputHessianIsSkipPlusBranchJacobianSquared() {
        Linear branch = linearBranch(0.5, 1);
        Tensor z = batch(5, 2);
        DMatrixRMaj w = matrix(branch.weight());
        TestMatrices.assertClose(LocalHessian.gaussNewton(Residual.identity(branch), z).inputHessianOfSample(1).toDense(),
                ResidualBlock.gaussNewtonInputHessian(w), 1e-13, "(I + W)ᵀ(I + W)");
        Residual orthogonal = Residual.orthogonal(branch, N, DType.FLOAT64, new SplittableRandom(3));
        TestMatrices.assertClose(LocalHessian.gaussNewton(orthogonal, z).inputHessianOfSample(1).toDense(),
                ResidualBlock.gaussNewtonInputHessian(matrix(orthogonal.skip()), w), 1e-13, "(Q + W)ᵀ(Q + W)");
        // a non-linear branch: J_φ from the block's own Jacobian, per sample
        Sequential tanhBranch = new Sequential(linearBranch(0.7, 4), Activation.tanh(), linearBranch(0.7, 6));
        LocalHessian local = LocalHessian.gaussNewton(Residual.identity(tanhBranch), z);
        DMatrixRMaj jPhi = LocalHessian.gaussNewton(tanhBranch, z).inputJacobianOfSample(3);
        TestMatrices.assertClose(local.inputHessianOfSample(3).toDense(), ResidualBlock.gaussNewtonInputHessian(jPhi), 1e-12, "(I + J_φ)ᵀ(I + J_φ)");
    }

    @Test
    void theWeightHessianIsThatOfTheBranchAlone() {
        Sequential branch = new Sequential(linearBranch(0.7, 7), Activation.tanh(), linearBranch(0.7, 9));
        Tensor z = batch(6, 10);
        TestMatrices.assertClose(LocalHessian.gaussNewton(Residual.identity(branch), z).weightHessian().toDense(),
                LocalHessian.gaussNewton(branch, z).weightHessian().toDense(), 1e-13, "eq. 14: H_W with skip = without");
    }

    @Test
    void orthogonalSkipsKeepTheConditionNumberNonOrthogonalSkipsWorsenIt() {
        Linear zero = linearBranch(1, 11);
        Autograd.noGrad(() -> zero.weight().fill(0)); // φ = 0: the skip alone
        Tensor z = batch(3, 12);
        double identity = condition(LocalHessian.gaussNewton(Residual.identity(zero), z).inputHessianOfSample(0).toDense());
        double orthogonal = condition(LocalHessian.gaussNewton(Residual.orthogonal(zero, N, DType.FLOAT64, new SplittableRandom(13)), z)
                .inputHessianOfSample(0).toDense());
        Tensor s = Tensor.eye(N, DType.FLOAT64).add(Tensor.randn(new SplittableRandom(14), DType.FLOAT64, N, N).mul(0.3));
        double nonOrthogonal = condition(LocalHessian.gaussNewton(Residual.linear(zero, s), z).inputHessianOfSample(0).toDense());
        assertThat(identity).isCloseTo(1, within(1e-12));
        assertThat(orthogonal).isCloseTo(1, within(1e-12));
        double cS = ConditionNumber.of(matrix(s)).value();
        assertThat(nonOrthogonal).as("C(SᵀS) = C(S)²").isCloseTo(cS * cS, within(1e-8 * cS * cS)).isGreaterThan(2);

        // with a small random branch: identity and orthogonal skips stay well conditioned, the skewed skip does not
        Linear small = linearBranch(0.3, 15);
        double withIdentity = condition(LocalHessian.gaussNewton(Residual.identity(small), z).inputHessianOfSample(0).toDense());
        double withOrthogonal = condition(LocalHessian.gaussNewton(Residual.orthogonal(small, N, DType.FLOAT64, new SplittableRandom(13)), z)
                .inputHessianOfSample(0).toDense());
        double withSkewed = condition(LocalHessian.gaussNewton(Residual.linear(small, s.mul(Tensor.of(new double[] {4, 1, 1, 1, 1, 1, 1, 0.25}, 1, N))), z)
                .inputHessianOfSample(0).toDense());
        double plain = condition(LocalHessian.gaussNewton(small, z).inputHessianOfSample(0).toDense());
        assertThat(withIdentity).isLessThan(plain);
        assertThat(withOrthogonal).isLessThan(plain);
        assertThat(withSkewed).isGreaterThan(10 * Math.max(withIdentity, withOrthogonal));
    }

    @Test
    void remark1HoldsForSmallBadlyConditionedBranches() {
        Random rng = new Random(16);
        for (int trial = 0; trial < 20; trial++) {
            int n = 20;
            // J = U diag(σ) Vᵀ with σ_max = 0.8 and condition between 10² and 10³
            double kappa = Math.pow(10, 2 + rng.nextDouble());
            double[] sigma = new double[n];
            for (int i = 0; i < n; i++) sigma[i] = 0.8 * Math.pow(kappa, -(double) i / (n - 1));
            DMatrixRMaj u = RandomMatrices_DDRM.orthogonal(n, n, rng);
            DMatrixRMaj v = RandomMatrices_DDRM.orthogonal(n, n, rng);
            DMatrixRMaj us = new DMatrixRMaj(n, n);
            CommonOps_DDRM.mult(u, CommonOps_DDRM.diag(sigma), us);
            DMatrixRMaj j = new DMatrixRMaj(n, n);
            CommonOps_DDRM.multTransB(us, v, j);
            ResidualBlock.Remark1 r = ResidualBlock.remark1(j);
            assertThat(r.sigmaMax()).isCloseTo(0.8, within(1e-12));
            assertThat(r.branch()).isCloseTo(kappa, within(1e-6 * kappa));
            assertThat(r.branchGaussNewton()).as("C(JᵀJ) = C(J)²").isCloseTo(kappa * kappa, within(1e-4 * kappa * kappa));
            assertThat(r.branchIsSmall()).isTrue();
            assertThat(r.branchIsBadlyConditioned()).isTrue();
            assertThat(r.bound()).isCloseTo(81, within(1e-9));
            assertThat(r.residualGaussNewton()).as("C((I + J)ᵀ(I + J)), trial %d", trial).isLessThan(81);
            assertThat(r.conclusionHolds()).isTrue();
        }
        // a Gaussian branch scaled to σ_max = 0.8 meets assumption (b) as the Marchenko–Pastur analysis says
        Linear gaussian = linearBranch(1, 17);
        DMatrixRMaj j = matrix(gaussian.weight());
        CommonOps_DDRM.scale(0.8 / DenseSpectrum.singularValues(j)[0], j);
        ResidualBlock.Remark1 r = ResidualBlock.remark1(j);
        assertThat(r.branchIsBadlyConditioned()).isTrue();
        assertThat(r.conclusionHolds()).isTrue();
    }

    @Test
    void exactInputHessianAddsTheResidualTermAndMatchesFiniteDifferences() {
        Sequential branch = new Sequential(linearBranch(1.2, 18), Activation.tanh(), linearBranch(1.2, 20));
        Module block = Residual.identity(branch);
        int m = 3;
        Tensor z = batch(m, 21);
        Tensor r = Tensor.randn(new SplittableRandom(22), DType.FLOAT64, m, N);
        DMatrixRMaj exact = LocalHessian.exact(block, z, r).inputHessian().toDense();
        // central differences of ∇_z ℓ_b = Jᵀ(F(z) − t), t = F(z⁰) − r
        Tensor target = Autograd.noGrad(() -> block.forward(z).sub(r));
        int dim = m * N;
        double h = 1e-5;
        DMatrixRMaj fd = new DMatrixRMaj(dim, dim);
        double[] z0 = z.toDoubleArray();
        for (int c = 0; c < dim; c++) {
            double[] plus = z0.clone();
            double[] minus = z0.clone();
            plus[c] += h;
            minus[c] -= h;
            double[] gp = gradient(block, plus, target);
            double[] gm = gradient(block, minus, target);
            for (int i = 0; i < dim; i++) fd.set(i, c, (gp[i] - gm[i]) / (2 * h));
        }
        TestMatrices.assertClose(exact, fd, 1e-7, "exact H_z with residual");
        double differs = TestMatrices.relativeFrobenius(LocalHessian.gaussNewton(block, z).inputHessian().toDense(), exact);
        assertThat(differs).as("the residual term Σ rᵢ∇²φᵢ is not negligible here").isGreaterThan(1e-3);
    }

    private static double[] gradient(Module block, double[] zValues, Tensor target) {
        Tensor z = Tensor.of(zValues, target.dims()).requiresGrad(true);
        Tensor loss = block.forward(z).sub(target).square().sum().mul(0.5);
        return Autograd.grad(List.of(loss), List.of(z), null, false).getFirst().toDoubleArray();
    }
}
