package org.panopt.hessian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

/** Composition of operators against the same arithmetic on dense matrices. */
class OperatorCompositionTest {
    private final DMatrixRMaj a = TestMatrices.randomSymmetric(7, 1);
    private final DMatrixRMaj b = TestMatrices.randomSymmetric(7, 2);
    private final DenseOperator opA = DenseOperator.of(a);
    private final DenseOperator opB = DenseOperator.of(b);

    @Test
    void denseOperatorIsItsMatrix() {
        TestMatrices.assertClose(opA.toDense(), a, 0, "toDense");
        // toDense through the default, column by column
        LinearOperator viaApply = new LinearOperator() {
            public int dim() { return 7; }
            public void apply(double[] v, double[] out) { opA.apply(v, out); }
            public boolean isSymmetric() { return true; }
        };
        TestMatrices.assertClose(viaApply.toDense(), a, 1e-15, "columns A·e_j");
        assertThat(opA.isSymmetric()).isTrue();
    }

    @Test
    void sumScaleShiftAndProduct() {
        DMatrixRMaj sum = new DMatrixRMaj(7, 7);
        CommonOps_DDRM.add(a, b, sum);
        TestMatrices.assertClose(opA.plus(opB).toDense(), sum, 1e-15, "A + B");
        DMatrixRMaj scaled = a.copy();
        CommonOps_DDRM.scale(-2.5, scaled);
        TestMatrices.assertClose(opA.times(-2.5).toDense(), scaled, 1e-15, "−2.5 A");
        DMatrixRMaj shifted = a.copy();
        for (int i = 0; i < 7; i++) shifted.add(i, i, 0.3);
        TestMatrices.assertClose(opA.shift(0.3).toDense(), shifted, 1e-15, "A + 0.3 I");
        DMatrixRMaj prod = new DMatrixRMaj(7, 7);
        CommonOps_DDRM.mult(a, b, prod);
        TestMatrices.assertClose(opA.compose(opB).toDense(), prod, 1e-14, "A B");
        assertThat(opA.plus(opB).isSymmetric()).isTrue();
        assertThat(opA.compose(opB).isSymmetric()).isFalse();
    }

    @Test
    void blockDiagonalAndPrincipalSubmatrix() {
        DMatrixRMaj c = TestMatrices.randomSymmetric(3, 3);
        LinearOperator bd = LinearOperator.blockDiagonal(List.of(opA, DenseOperator.of(c)));
        DMatrixRMaj expected = new DMatrixRMaj(10, 10);
        CommonOps_DDRM.insert(a, expected, 0, 0);
        CommonOps_DDRM.insert(c, expected, 7, 7);
        TestMatrices.assertClose(bd.toDense(), expected, 0, "diag(A, C)");
        TestMatrices.assertClose(bd.restrict(7, 10).toDense(), c, 0, "restrict to C");
        DMatrixRMaj sub = CommonOps_DDRM.extract(a, 2, 5, 2, 5);
        TestMatrices.assertClose(opA.restrict(2, 5).toDense(), sub, 0, "A[2:5, 2:5]");
    }

    @Test
    void badInputIsRefusedWithTheReason() {
        DMatrixRMaj asym = a.copy();
        asym.set(0, 1, asym.get(0, 1) + 1);
        assertThat(DenseOperator.of(asym).isSymmetric()).isFalse();
        assertThatThrownBy(() -> DenseOperator.symmetric(asym)).hasMessageContaining("not symmetric");
        assertThatThrownBy(() -> opA.plus(DenseOperator.of(TestMatrices.randomSymmetric(3, 1)))).hasMessageContaining("dimension 3");
        assertThatThrownBy(() -> opA.apply(new double[3])).hasMessageContaining("length 3").hasMessageContaining("dimension 7");
        assertThatThrownBy(() -> opA.restrict(4, 9)).hasMessageContaining("[4, 9)");
        assertThatThrownBy(() -> DenseOperator.of(new DMatrixRMaj(2, 3))).hasMessageContaining("2×3");
    }
}
