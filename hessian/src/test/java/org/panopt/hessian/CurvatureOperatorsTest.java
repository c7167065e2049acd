package org.panopt.hessian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.panopt.autograd.Autograd;
import org.panopt.nn.Activation;
import org.panopt.nn.BatchNorm;
import org.panopt.nn.Dropout;
import org.panopt.nn.Linear;
import org.panopt.nn.Module;
import org.panopt.nn.Sequential;
import org.panopt.nn.loss.Loss;
import org.panopt.nn.loss.MeanSquaredError;
import org.panopt.nn.loss.Reduction;
import org.panopt.nn.loss.SigmoidCrossEntropy;
import org.panopt.nn.loss.SoftmaxCrossEntropy;
import org.panopt.nn.models.Mlp;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * Every curvature operator against the dense matrix it stands for, in float64: the Gauss–Newton matrix
 * against Jᵀ H_L J from explicit Jacobians, Fisher matrices against sums of per-case gradient outer
 * products, the exact Hessian against finite differences; and the identities theory demands.
 */
class CurvatureOperatorsTest {
    private static final int N = 6;
    private static final int IN = 4;
    private static final int K = 3;

    private static Mlp net(long seed) {
        return new Mlp(List.of(IN, 5, K), Activation.Kind.TANH, true, DType.FLOAT64, new SplittableRandom(seed));
    }

    private static Tensor inputs() {
        return Tensor.randn(new SplittableRandom(99), DType.FLOAT64, N, IN);
    }

    static Stream<Arguments> losses() {
        SplittableRandom rng = new SplittableRandom(5);
        Tensor labels = Tensor.of(new double[] {0, 2, 1, 1, 0, 2});
        Tensor regression = Tensor.randn(rng, DType.FLOAT64, N, K);
        Tensor bits = Tensor.rand(rng, 0, 1, DType.FLOAT64, N, K).gt(0.5);
        return Stream.of(
                Arguments.of("MSE mean", new MeanSquaredError(), regression),
                Arguments.of("MSE ½ sum per case", MeanSquaredError.halfSumPerCase(), regression),
                Arguments.of("softmax CE mean", new SoftmaxCrossEntropy(), labels),
                Arguments.of("softmax CE sum", new SoftmaxCrossEntropy(Reduction.SUM), labels),
                Arguments.of("sigmoid CE mean", new SigmoidCrossEntropy(), bits),
                Arguments.of("sigmoid CE batch mean", new SigmoidCrossEntropy(Reduction.BATCH_MEAN), bits));
    }

    /** J = ∂ vec(z)/∂θ (N·K × P), row by row from vector–Jacobian products. */
    static DMatrixRMaj jacobian(BatchLoss f) {
        Tensor out = f.output();
        int rows = out.size();
        DMatrixRMaj j = new DMatrixRMaj(rows, f.dim());
        for (int r = 0; r < rows; r++) {
            double[] e = new double[rows];
            e[r] = 1;
            List<Tensor> g = Autograd.grad(List.of(out), f.tensors(), List.of(Tensor.of(e, out.dims())), false, true);
            double[] row = f.flatten(g);
            for (int c = 0; c < row.length; c++) j.set(r, c, row[c]);
        }
        return j;
    }

    /** H_L = ∇²_z L (N·K × N·K) from the loss's output-Hessian products. */
    static DMatrixRMaj outputHessian(Loss loss, Tensor output) {
        int rows = output.size();
        DMatrixRMaj h = new DMatrixRMaj(rows, rows);
        for (int c = 0; c < rows; c++) {
            double[] e = new double[rows];
            e[c] = 1;
            double[] col = loss.outputHessianVectorProduct(output.detach(), Tensor.of(e, output.dims())).toDoubleArray();
            for (int r = 0; r < rows; r++) h.set(r, c, col[r]);
        }
        return h;
    }

    static DMatrixRMaj jtmj(DMatrixRMaj j, DMatrixRMaj m) {
        DMatrixRMaj mj = new DMatrixRMaj(m.numRows, j.numCols);
        CommonOps_DDRM.mult(m, j, mj);
        DMatrixRMaj out = new DMatrixRMaj(j.numCols, j.numCols);
        CommonOps_DDRM.multTransA(j, mj, out);
        return out;
    }

    /** (1/D) Σₙ rₙ rₙᵀ for per-case gradients rₙ = ∇_θ ℓₙ = D·Jᵀ(∂L/∂z restricted to case n), by per-case backward passes. */
    static DMatrixRMaj outerProductsOfCaseGradients(BatchLoss f, Tensor targets) {
        Tensor out = f.output();
        Tensor z = out.detach().requiresGrad(true);
        Tensor dLdz = Autograd.grad(List.of(f.loss().loss(z, targets)), List.of(z), null, false).getFirst();
        double d = f.loss().caseDivisor(out);
        double[] g = dLdz.toDoubleArray();
        int per = out.size() / N;
        DMatrixRMaj sum = new DMatrixRMaj(f.dim(), f.dim());
        for (int n = 0; n < N; n++) {
            double[] masked = new double[g.length];
            for (int i = 0; i < per; i++) masked[n * per + i] = g[n * per + i] * d;
            double[] r = f.flatten(Autograd.grad(List.of(out), f.tensors(), List.of(Tensor.of(masked, out.dims())), false, true));
            DMatrixRMaj rv = DMatrixRMaj.wrap(r.length, 1, r);
            CommonOps_DDRM.multAddTransB(1 / d, rv, rv, sum);
        }
        return sum;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void gaussNewtonIsJacobianTransposeLossHessianJacobian(String name, Loss loss, Tensor targets) {
        BatchLoss f = BatchLoss.of(net(1), loss, inputs(), targets);
        DMatrixRMaj expected = jtmj(jacobian(f), outputHessian(loss, f.output()));
        TestMatrices.assertClose(new GaussNewtonOperator(f).toDense(), expected, 1e-12, name + " GGN");
        // the analytic true Fisher is the same matrix for these canonical-link losses
        TestMatrices.assertClose(FisherOperator.analytic(f).toDense(), expected, 1e-12, name + " analytic Fisher");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void empiricalFisherIsTheSecondMomentOfPerCaseGradients(String name, Loss loss, Tensor targets) {
        BatchLoss f = BatchLoss.of(net(2), loss, inputs(), targets);
        TestMatrices.assertClose(new EmpiricalFisherOperator(f).toDense(), outerProductsOfCaseGradients(f, targets), 1e-12, name + " empirical Fisher");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void monteCarloFisherUsesModelSampledTargets(String name, Loss loss, Tensor targets) {
        BatchLoss f = BatchLoss.of(net(3), loss, inputs(), targets);
        int samples = 3;
        // the same draws as the operator: a generator with its seed, one target set per sample
        SplittableRandom rng = new SplittableRandom(42);
        Tensor out = Autograd.noGrad(f::output);
        DMatrixRMaj expected = new DMatrixRMaj(f.dim(), f.dim());
        for (int s = 0; s < samples; s++) CommonOps_DDRM.addEquals(expected, 1.0 / samples, outerProductsOfCaseGradients(f, loss.sample(out, rng)));
        TestMatrices.assertClose(FisherOperator.monteCarlo(f, samples, 42).toDense(), expected, 1e-12, name + " MC Fisher");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void monteCarloFisherConvergesToTheGaussNewtonMatrix(String name, Loss loss, Tensor targets) {
        BatchLoss f = BatchLoss.of(net(4), loss, inputs(), targets);
        GaussNewtonOperator ggn = new GaussNewtonOperator(f);
        FisherOperator mc = FisherOperator.monteCarlo(f, 1000, 7);
        SplittableRandom rng = new SplittableRandom(8);
        for (int probe = 0; probe < 2; probe++) {
            double[] v = new double[f.dim()];
            for (int i = 0; i < v.length; i++) v[i] = rng.nextGaussian();
            double[] gv = ggn.apply(v);
            double[] fv = mc.apply(v);
            double num = 0;
            double den = 0;
            for (int i = 0; i < v.length; i++) {
                num += (fv[i] - gv[i]) * (fv[i] - gv[i]);
                den += gv[i] * gv[i];
            }
            // 6 000 sampled case gradients: the relative error is ≈ 2–4% (≈ 1–2% at 24 000)
            assertThat(Math.sqrt(num / den)).as(name + " ‖F_MC v − G v‖/‖G v‖").isLessThan(0.08);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void exactHessianAgreesWithFiniteDifferencesOfGradients(String name, Loss loss, Tensor targets) {
        BatchLoss f = BatchLoss.of(net(5), loss, inputs(), targets);
        DMatrixRMaj h = new HessianOperator(f).toDense();
        TestMatrices.assertClose(new FiniteDifferenceHessianOperator(f).toDense(), h, 1e-7, name + " FD Hessian");
        TestMatrices.assertClose(h, CommonOps_DDRM.transpose(h, null), 1e-13, name + " symmetry");
        // a non-linear net: the Hessian is not the GGN
        assertThat(TestMatrices.relativeFrobenius(new GaussNewtonOperator(f).toDense(), h)).isGreaterThan(1e-3);
    }

    @Test
    void hessianEqualsGaussNewtonForALinearModelWithSquaredError() {
        Module linear = new Linear(IN, K, true, DType.FLOAT64, new SplittableRandom(6));
        BatchLoss f = BatchLoss.of(linear, new MeanSquaredError(), inputs(), Tensor.randn(new SplittableRandom(8), DType.FLOAT64, N, K));
        DMatrixRMaj h = new HessianOperator(f).toDense();
        TestMatrices.assertClose(new GaussNewtonOperator(f).toDense(), h, 1e-13, "GGN = H");
        // and both are (2/(N·K)) Σₙ x̄ₙx̄ₙᵀ per output row (x̄ = [x; 1]): check the weight–weight block of row 0
        double[] x = inputs().toDoubleArray();
        for (int a = 0; a < IN; a++) {
            for (int b = 0; b < IN; b++) {
                double e = 0;
                for (int n = 0; n < N; n++) e += 2.0 / (N * K) * x[n * IN + a] * x[n * IN + b];
                assertThat(h.get(a, b)).isCloseTo(e, org.assertj.core.api.Assertions.within(1e-13));
            }
        }
    }

    @Test
    void restrictingToParameterBlocksGivesThePrincipalSubmatrix() {
        BatchLoss f = BatchLoss.of(net(9), new SoftmaxCrossEntropy(), inputs(), Tensor.of(new double[] {0, 2, 1, 1, 0, 2}));
        DMatrixRMaj full = new HessianOperator(f).toDense();
        BatchLoss last = f.restrictedTo("2");
        assertThat(last.parameters()).extracting(p -> p.name()).containsExactly("2.weight", "2.bias");
        int from = f.offset("2.weight");
        DMatrixRMaj expected = CommonOps_DDRM.extract(full, from, f.dim(), from, f.dim());
        TestMatrices.assertClose(new HessianOperator(last).toDense(), expected, 1e-13, "H restricted to layer 2");
        TestMatrices.assertClose(new HessianOperator(f).restrict(from, f.dim()).toDense(), expected, 1e-13, "restrict()");
        BatchLoss w0 = f.restrictedTo("0.weight");
        TestMatrices.assertClose(new GaussNewtonOperator(w0).toDense(), CommonOps_DDRM.extract(new GaussNewtonOperator(f).toDense(), 0, 20, 0, 20),
                1e-13, "GGN restricted to 0.weight");
        assertThatThrownBy(() -> f.restrictedTo("7")).hasMessageContaining("no parameter named '7'").hasMessageContaining("0.weight");
    }

    @Test
    void trainingModeBatchNormIsDifferentiatedThroughTheBatchAndLeftUntouched() {
        SplittableRandom rng = new SplittableRandom(10);
        BatchNorm bn = new BatchNorm(5, false, true, 1e-5, 0.1, DType.FLOAT64);
        Sequential model = new Sequential(new Linear(IN, 5, false, DType.FLOAT64, rng), bn, Activation.tanh(), new Linear(5, K, true, DType.FLOAT64, rng));
        BatchLoss f = BatchLoss.of(model, new MeanSquaredError(), inputs(), Tensor.randn(rng, DType.FLOAT64, N, K));
        double[] meanBefore = bn.runningMean().toDoubleArray();
        DMatrixRMaj h = new HessianOperator(f).toDense();
        assertThat(bn.runningMean().toDoubleArray()).as("running mean untouched").containsExactly(meanBefore);
        assertThat(model.isTraining()).isTrue();
        TestMatrices.assertClose(new FiniteDifferenceHessianOperator(f).toDense(), h, 1e-6, "H through batch statistics");
    }

    @Test
    void theRetainedGraphGivesTheSameHessianAndRefusesChangedParameters() {
        SplittableRandom rng = new SplittableRandom(11);
        BatchNorm bn = new BatchNorm(5, false, true, 1e-5, 0.1, DType.FLOAT64);
        Sequential model = new Sequential(new Linear(IN, 5, true, DType.FLOAT64, rng), bn, Activation.tanh(), new Linear(5, K, true, DType.FLOAT64, rng));
        BatchLoss f = BatchLoss.of(model, new SoftmaxCrossEntropy(), inputs(), Tensor.of(new double[] {0, 2, 1, 1, 0, 2}));
        double[] meanBefore = bn.runningMean().toDoubleArray();
        HessianOperator retained = HessianOperator.retained(f);
        assertThat(retained.isRetained()).isTrue();
        assertThat(new HessianOperator(f).isRetained()).isFalse();
        // The same recorded gradient, differentiated once per product: the same numbers as recording it every time.
        DMatrixRMaj once = retained.toDense();
        DMatrixRMaj everyTime = new HessianOperator(f).toDense();
        TestMatrices.assertClose(once, everyTime, 0, "retained vs fresh"); // deterministic kernels: bit for bit
        assertThat(bn.runningMean().toDoubleArray()).as("running mean untouched").containsExactly(meanBefore);

        Autograd.noGrad(() -> model.parameters().get(2).addInPlace(Tensor.scalar(1e-3, DType.FLOAT64), 1));
        assertThatThrownBy(() -> retained.apply(new double[f.dim()])).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'1.weight' changed").hasMessageContaining("record a new operator");
        TestMatrices.assertClose(HessianOperator.retained(f).toDense(), new HessianOperator(f).toDense(), 0, "re-recorded at the new parameters");
    }

    @Test
    void float32NetworksGiveTheFloat64CurvatureToSinglePrecision() {
        Tensor targets = Tensor.of(new double[] {0, 2, 1, 1, 0, 2});
        Mlp m64 = net(12);
        Mlp m32 = new Mlp(List.of(IN, 5, K), Activation.Kind.TANH, true, DType.FLOAT32, new SplittableRandom(12));
        Autograd.noGrad(() -> {
            List<Tensor> p32 = m32.parameters();
            List<Tensor> p64 = m64.parameters();
            for (int i = 0; i < p32.size(); i++) p32.get(i).copyFrom(p64.get(i));
        });
        DMatrixRMaj h64 = new HessianOperator(BatchLoss.of(m64, new SoftmaxCrossEntropy(), inputs(), targets)).toDense();
        DMatrixRMaj h32 = new HessianOperator(BatchLoss.of(m32, new SoftmaxCrossEntropy(), inputs().to(DType.FLOAT32), targets)).toDense();
        TestMatrices.assertClose(h32, h64, 1e-5, "float32 Hessian");
    }

    @Test
    void dropoutInTrainingModeIsRefused() {
        Sequential model = new Sequential(new Linear(IN, K, true, DType.FLOAT64, new SplittableRandom(1)), new Dropout(0.5, new SplittableRandom(2)));
        assertThatThrownBy(() -> BatchLoss.of(model, new MeanSquaredError(), inputs(), Tensor.zeros(DType.FLOAT64, N, K)))
                .hasMessageContaining("Dropout").hasMessageContaining("eval()");
        model.eval();
        assertThat(BatchLoss.of(model, new MeanSquaredError(), inputs(), Tensor.zeros(DType.FLOAT64, N, K)).dim()).isEqualTo(IN * K + K);
    }

    @Test
    void vectorsOfTheWrongLengthAreRefused() {
        BatchLoss f = BatchLoss.of(net(1), new MeanSquaredError(), inputs(), Tensor.zeros(DType.FLOAT64, N, K));
        assertThatThrownBy(() -> new HessianOperator(f).apply(new double[3])).hasMessageContaining("length 3").hasMessageContaining(Integer.toString(f.dim()));
        List<Tensor> wrong = new ArrayList<>(f.tensors());
        wrong.set(0, Tensor.zeros(DType.FLOAT64, 2));
        assertThatThrownBy(() -> f.flatten(wrong)).hasMessageContaining("0.weight");
    }
}
