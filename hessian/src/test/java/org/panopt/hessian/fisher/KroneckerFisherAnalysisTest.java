package org.panopt.hessian.fisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import org.panopt.hessian.BatchLoss;
import org.panopt.hessian.FisherOperator;
import org.panopt.hessian.TestMatrices;
import org.panopt.nn.Activation;
import org.panopt.nn.Linear;
import org.panopt.nn.loss.Loss;
import org.panopt.nn.loss.MeanSquaredError;
import org.panopt.nn.loss.SigmoidCrossEntropy;
import org.panopt.nn.loss.SoftmaxCrossEntropy;
import org.panopt.nn.models.Mlp;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/** The exact Fisher against the curvature operators, and K-FAC's factorization where it is exact. */
class KroneckerFisherAnalysisTest {

    private static Mlp net(long seed) {
        return new Mlp(List.of(5, 4, 4, 3), Activation.Kind.TANH, true, DType.FLOAT64, new SplittableRandom(seed));
    }

    private static void exactFisherIsTheFisherOperatorReordered(Loss loss, double scaleToPerCase) {
        Mlp m = net(1);
        int n = 7;
        Tensor x = Tensor.randn(new SplittableRandom(2), DType.FLOAT64, n, 5);
        KroneckerFisherAnalysis analysis = KroneckerFisherAnalysis.of(m, m.linears(), loss, x);
        DMatrixRMaj operator = FisherOperator.analytic(BatchLoss.of(m, loss, x, null)).toDense();
        int[] perm = analysis.fromParameterOrder();
        DMatrixRMaj exact = analysis.exactFisher();
        DMatrixRMaj reordered = new DMatrixRMaj(operator.numRows, operator.numCols);
        for (int q = 0; q < perm.length; q++)
            for (int r = 0; r < perm.length; r++) reordered.set(q, r, exact.get(perm[q], perm[r]) / scaleToPerCase);
        TestMatrices.assertClose(reordered, operator, 1e-12, "F (K-FAC layout) vs FisherOperator");
    }

    @Test
    void exactFisherEqualsTheAnalyticFisherOperator() {
        exactFisherIsTheFisherOperatorReordered(new SoftmaxCrossEntropy(), 1); // D = N
        exactFisherIsTheFisherOperatorReordered(new SigmoidCrossEntropy(), 3); // D = N·K: per case K times the operator
    }

    @Test
    void kroneckerFactorizationIsExactForOneCase() {
        Mlp m = net(3);
        Tensor x = Tensor.randn(new SplittableRandom(4), DType.FLOAT64, 1, 5);
        KroneckerFisherAnalysis analysis = KroneckerFisherAnalysis.of(m, m.linears(), new SoftmaxCrossEntropy(), x);
        TestMatrices.assertClose(analysis.kroneckerFactored(), analysis.exactFisher(), 1e-12, "F̃ = F for N = 1");
    }

    @Test
    void kroneckerFactorizationIsExactForALinearGaussianModel() {
        Linear linear = new Linear(4, 3, true, DType.FLOAT64, new SplittableRandom(5));
        Tensor x = Tensor.randn(new SplittableRandom(6), DType.FLOAT64, 12, 4);
        KroneckerFisherAnalysis analysis = KroneckerFisherAnalysis.of(linear, List.of(linear), MeanSquaredError.halfSumPerCase(), x);
        // g = ∂ℓ/∂s has E[ggᵀ] = I whatever the input: F = E[āāᵀ] ⊗ I = F̃
        TestMatrices.assertClose(analysis.kroneckerFactored(), analysis.exactFisher(), 1e-12, "F̃ = F");
        TestMatrices.assertClose(analysis.gradientFactor(0, 0), CommonOps_DDRM.identity(3), 1e-12, "G = I");
    }

    @Test
    void deepNonLinearNetworksAreOnlyApproximatedAndTheBlockDiagonalKeepsTheDiagonalBlocks() {
        Mlp m = net(7);
        Tensor x = Tensor.randn(new SplittableRandom(8), DType.FLOAT64, 40, 5);
        KroneckerFisherAnalysis analysis = KroneckerFisherAnalysis.of(m, m.linears(), new SoftmaxCrossEntropy(), x);
        int[] offsets = FisherBlocks.offsets(analysis);
        assertThat(offsets).containsExactly(0, 24, 44, 59);
        DMatrixRMaj errors = FisherBlocks.relativeError(analysis.kroneckerFactored(), analysis.exactFisher(), offsets);
        for (int i = 0; i < 3; i++) assertThat(errors.get(i, i)).as("diagonal block %d", i).isBetween(1e-6, 1.0);
        DMatrixRMaj diag = analysis.blockDiagonal();
        DMatrixRMaj kf = analysis.kroneckerFactored();
        TestMatrices.assertClose(CommonOps_DDRM.extract(diag, 24, 44, 24, 44), CommonOps_DDRM.extract(kf, 24, 44, 24, 44), 0, "blk-diag keeps F̃_{2,2}");
        assertThat(TestMatrices.maxAbs(CommonOps_DDRM.extract(diag, 0, 24, 24, 59))).isZero();
        // a subset of layers: the middle one alone is the (2,2) block of the full analysis
        KroneckerFisherAnalysis middle = KroneckerFisherAnalysis.of(m, List.of(m.linears().get(1)), new SoftmaxCrossEntropy(), x);
        TestMatrices.assertClose(middle.exactFisher(), CommonOps_DDRM.extract(analysis.exactFisher(), 24, 44, 24, 44), 1e-13, "middle layer");
    }

    @Test
    void blockSummariesAndDampedInverse() {
        DMatrixRMaj m = new DMatrixRMaj(new double[][] {{2, -2, 1}, {-2, 4, 0}, {1, 0, 3}});
        DMatrixRMaj abs = FisherBlocks.meanAbsolute(m, new int[] {0, 2, 3});
        assertThat(abs.get(0, 0)).isEqualTo(2.5);
        assertThat(abs.get(0, 1)).isEqualTo(0.5);
        assertThat(abs.get(1, 1)).isEqualTo(3);
        DMatrixRMaj inv = FisherBlocks.dampedInverse(m, 0.5);
        DMatrixRMaj shifted = m.copy();
        for (int i = 0; i < 3; i++) shifted.add(i, i, 0.5);
        DMatrixRMaj product = new DMatrixRMaj(3, 3);
        CommonOps_DDRM.mult(shifted, inv, product);
        TestMatrices.assertClose(product, CommonOps_DDRM.identity(3), 1e-14, "(M + λI)(M + λI)⁻¹");
        assertThat(FisherBlocks.relativeError(m, m, new int[] {0, 1, 3}).get(1, 1)).isZero();
        assertThatThrownBy(() -> FisherBlocks.meanAbsolute(m, new int[] {0, 2, 2, 3})).hasMessageContaining("increase");
        assertThatThrownBy(() -> FisherBlocks.dampedInverse(m, 0)).hasMessageContaining("damping 0");
    }
}
