package org.panopt.hessian.fisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.RandomMatrices_DDRM;
import org.junit.jupiter.api.Test;
import org.panopt.hessian.TestMatrices;

/** The structured inverses of K-FAC (§3.2–3.3) in dense form, against their defining properties. */
class FisherBlocksTest {
    private static final int[] OFFSETS = {0, 3, 7, 9, 12};

    // A random symmetric positive definite matrix with condition number ≈ 100.
    private static DMatrixRMaj spd(int n, long seed) {
        double[] lambda = new double[n];
        for (int i = 0; i < n; i++) lambda[i] = Math.pow(100, (double) i / (n - 1));
        return TestMatrices.withSpectrum(lambda, seed);
    }

    private static DMatrixRMaj block(DMatrixRMaj m, int i, int j) {
        return CommonOps_DDRM.extract(m, OFFSETS[i], OFFSETS[i + 1], OFFSETS[j], OFFSETS[j + 1]);
    }

    private static DMatrixRMaj inverse(DMatrixRMaj m) {
        DMatrixRMaj inv = m.copy();
        assertThat(CommonOps_DDRM.invert(inv)).isTrue();
        return inv;
    }

    @Test
    void blockDiagonalInverseInvertsEachDiagonalBlock() {
        DMatrixRMaj m = spd(12, 1);
        DMatrixRMaj inv = FisherBlocks.blockDiagonalInverse(m, OFFSETS);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                if (i == j) TestMatrices.assertClose(block(inv, i, i), inverse(block(m, i, i)), 1e-12, "block " + i);
                else assertThat(TestMatrices.maxAbs(block(inv, i, j))).isZero();
            }
        }
    }

    @Test
    void blockTridiagonalInverseKeepsTheTridiagonalBlocksAndHasATridiagonalInverse() {
        DMatrixRMaj m = spd(12, 2);
        DMatrixRMaj hatInverse = FisherBlocks.blockTridiagonalInverse(m, OFFSETS);
        DMatrixRMaj hat = inverse(hatInverse);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                if (Math.abs(i - j) <= 1) TestMatrices.assertClose(block(hat, i, j), block(m, i, j), 1e-10, "F̂ block " + i + "," + j + " = M's");
                else {
                    assertThat(TestMatrices.maxAbs(block(hatInverse, i, j))).as("F̂⁻¹ block %d,%d", i, j).isZero();
                    assertThat(TestMatrices.relativeFrobenius(block(hat, i, j), block(m, i, j))).as("F̂ differs from M off the tridiagonal").isGreaterThan(1e-3);
                }
            }
        }
        // and it is a better approximation of M⁻¹ than the block diagonal
        DMatrixRMaj exact = inverse(m);
        assertThat(TestMatrices.relativeFrobenius(hatInverse, exact)).isLessThan(TestMatrices.relativeFrobenius(FisherBlocks.blockDiagonalInverse(m, OFFSETS), exact));
    }

    @Test
    void blockTridiagonalInverseIsExactWhenTheInverseIsBlockTridiagonal() {
        // a random SPD block-tridiagonal precision: diagonally dominant blocks
        Random rng = new Random(3);
        DMatrixRMaj precision = new DMatrixRMaj(12, 12);
        for (int i = 0; i < 4; i++) {
            CommonOps_DDRM.insert(spd(OFFSETS[i + 1] - OFFSETS[i], 10 + i), precision, OFFSETS[i], OFFSETS[i]);
            for (int r = OFFSETS[i]; r < OFFSETS[i + 1]; r++) precision.add(r, r, 10);
            if (i < 3) {
                DMatrixRMaj c = RandomMatrices_DDRM.rectangleGaussian(OFFSETS[i + 1] - OFFSETS[i], OFFSETS[i + 2] - OFFSETS[i + 1], 0, 1, rng);
                CommonOps_DDRM.insert(c, precision, OFFSETS[i], OFFSETS[i + 1]);
                CommonOps_DDRM.insert(CommonOps_DDRM.transpose(c, null), precision, OFFSETS[i + 1], OFFSETS[i]);
            }
        }
        DMatrixRMaj m = inverse(precision);
        TestMatrices.assertClose(FisherBlocks.blockTridiagonalInverse(m, OFFSETS), precision, 1e-10, "F̂⁻¹ = M⁻¹");
        // one block: both are the plain inverse
        DMatrixRMaj whole = spd(5, 4);
        TestMatrices.assertClose(FisherBlocks.blockTridiagonalInverse(whole, new int[] {0, 5}), inverse(whole), 1e-12, "one block");
    }

    @Test
    void indefiniteBlocksAskForDamping() {
        DMatrixRMaj m = spd(12, 5);
        m.set(0, 0, -1);
        assertThatThrownBy(() -> FisherBlocks.blockDiagonalInverse(m, OFFSETS)).isInstanceOf(ArithmeticException.class).hasMessageContaining("add damping");
        assertThatThrownBy(() -> FisherBlocks.blockTridiagonalInverse(m, OFFSETS)).isInstanceOf(ArithmeticException.class).hasMessageContaining("add damping");
        DMatrixRMaj damped = FisherBlocks.plusIdentity(m, 3);
        assertThat(damped.get(0, 0)).isEqualTo(2);
        assertThat(damped.get(0, 1)).isEqualTo(m.get(0, 1));
        assertThatThrownBy(() -> FisherBlocks.blockTridiagonalInverse(m, new int[] {0, 3, 13})).hasMessageContaining("do not partition");
    }
}
