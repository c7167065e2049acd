package org.panopt.optim.kfac;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * The block-diagonal and block-tridiagonal inverses (spec §2.2, §2.3, §7) against dense matrices, for three
 * layers whose factors are moments of jointly sampled (ā, g) vectors — so that the cross moments are
 * consistent with the diagonal ones, as they are in K-FAC.
 */
class KroneckerInverseTest {
    static final int[] A_DIMS = {4, 5, 3}; // ā sizes (homogeneous coordinate included)
    static final int[] G_DIMS = {3, 2, 4}; // g sizes
    static final double GAMMA = 0.3;

    final SplittableRandom rng = new SplittableRandom(17);
    final List<KroneckerFactors> factors = new ArrayList<>();
    final double[][][][] aBlocks = new double[3][3][][]; // Ā_{i,j}
    final double[][][][] gBlocks = new double[3][3][][]; // G_{i,j}

    KroneckerInverseTest() {
        int n = 40;
        Tensor a = Tensor.randn(rng, DType.FLOAT64, n, 12).matmul(Tensor.randn(rng, DType.FLOAT64, 12, 12)); // correlated ā's
        Tensor g = Tensor.randn(rng, DType.FLOAT64, n, 9).matmul(Tensor.randn(rng, DType.FLOAT64, 9, 9));
        Tensor[] as = split(a, A_DIMS);
        Tensor[] gs = split(g, G_DIMS);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                aBlocks[i][j] = Dense.of(as[i].matmul(as[j], true, false).div(n));
                gBlocks[i][j] = Dense.of(gs[i].matmul(gs[j], true, false).div(n));
            }
        }
        for (int i = 0; i < 3; i++) {
            factors.add(new KroneckerFactors(Dense.tensor(aBlocks[i][i]), Dense.tensor(gBlocks[i][i]),
                    i < 2 ? Dense.tensor(aBlocks[i][i + 1]) : null, i < 2 ? Dense.tensor(gBlocks[i][i + 1]) : null));
        }
    }

    static Tensor[] split(Tensor rows, int[] dims) {
        Tensor[] out = new Tensor[dims.length];
        for (int i = 0, at = 0; i < dims.length; at += dims[i], i++) out[i] = rows.narrow(1, at, dims[i]);
        return out;
    }

    static int size(int i) {
        return A_DIMS[i] * G_DIMS[i];
    }

    static int offset(int i) {
        int o = 0;
        for (int j = 0; j < i; j++) o += size(j);
        return o;
    }

    static final int TOTAL = size(0) + size(1) + size(2);

    /** F̃ with factored damping on the diagonal blocks: block (i, j) = Ā_{i,j} ⊗ G_{i,j}. */
    double[][] dampedFTilde(List<LayerInverse> inv) {
        double[][] f = new double[TOTAL][TOTAL];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double[][] block;
                if (i == j) {
                    double pi = inv.get(i).pi();
                    block = Dense.kron(Dense.add(aBlocks[i][i], Dense.identity(A_DIMS[i]), pi * GAMMA), Dense.add(gBlocks[i][i], Dense.identity(G_DIMS[i]), GAMMA / pi));
                } else {
                    block = Dense.kron(aBlocks[i][j], gBlocks[i][j]);
                }
                put(f, block, offset(i), offset(j));
            }
        }
        return f;
    }

    static void put(double[][] into, double[][] block, int r, int c) {
        for (int i = 0; i < block.length; i++) System.arraycopy(block[i], 0, into[r + i], c, block[0].length);
    }

    static double[][] block(double[][] m, int i, int j) {
        double[][] out = new double[size(i)][size(j)];
        for (int r = 0; r < size(i); r++) System.arraycopy(m[offset(i) + r], offset(j), out[r], 0, size(j));
        return out;
    }

    /** The dense matrix of an operator on layer matrices, column by column from unit vectors. */
    static double[][] denseOperator(java.util.function.Function<List<Tensor>, List<Tensor>> op) {
        double[][] m = new double[TOTAL][TOTAL];
        for (int col = 0; col < TOTAL; col++) {
            double[] e = new double[TOTAL];
            e[col] = 1;
            double[] out = flatten(op.apply(unflatten(e)));
            for (int r = 0; r < TOTAL; r++) m[r][col] = out[r];
        }
        return m;
    }

    static List<Tensor> unflatten(double[] v) {
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            double[] part = java.util.Arrays.copyOfRange(v, offset(i), offset(i) + size(i));
            out.add(Dense.tensor(Dense.unvec(part, G_DIMS[i], A_DIMS[i])));
        }
        return out;
    }

    static double[] flatten(List<Tensor> ms) {
        double[] out = new double[TOTAL];
        for (int i = 0; i < 3; i++) System.arraycopy(Dense.vec(Dense.of(ms.get(i))), 0, out, offset(i), size(i));
        return out;
    }

    @Test
    void blockDiagonalInverseIsTheInverseOfTheDampedDiagonalBlocks() {
        List<LayerInverse> inv = BlockDiagonalInverse.build(factors, GAMMA);
        double[][] op = denseOperator(v -> BlockDiagonalInverse.apply(inv, v));
        double[][] f = dampedFTilde(inv);
        for (int i = 0; i < 3; i++) {
            assertThat(Dense.maxAbsDiff(block(op, i, i), Dense.inverse(block(f, i, i)))).isLessThan(1e-10);
            for (int j = 0; j < 3; j++) if (j != i) assertThat(Dense.maxAbs(block(op, i, j))).isZero();
        }
    }

    @Test
    void tridiagonalInverseHasTridiagonalStructureAndReproducesTheTridiagonalBlocks() {
        List<LayerInverse> inv = BlockTridiagonalInverse.build(factors, GAMMA);
        double[][] fHatInverse = denseOperator(v -> BlockTridiagonalInverse.apply(inv, v));
        // F̂⁻¹ is symmetric and block-tridiagonal …
        assertThat(Dense.maxAbsDiff(fHatInverse, Dense.transpose(fHatInverse))).isLessThan(1e-9);
        assertThat(Dense.maxAbs(block(fHatInverse, 0, 2))).isLessThan(1e-10);
        assertThat(Dense.maxAbs(block(fHatInverse, 2, 0))).isLessThan(1e-10);
        // … and F̂ agrees with (damped) F̃ on the diagonal and first off-diagonal blocks.
        double[][] fHat = Dense.inverse(fHatInverse);
        double[][] fTilde = dampedFTilde(inv);
        double scale = Dense.maxAbs(fTilde);
        for (int i = 0; i < 3; i++) {
            for (int j = Math.max(0, i - 1); j <= Math.min(2, i + 1); j++) {
                assertThat(Dense.maxAbsDiff(block(fHat, i, j), block(fTilde, i, j))).as("block (%d, %d)", i, j).isLessThan(1e-8 * scale);
            }
        }
        // F̂ differs from F̃ off the tridiagonal (F̃⁻¹ is not block-tridiagonal).
        assertThat(Dense.maxAbsDiff(block(fHat, 0, 2), block(fTilde, 0, 2))).isGreaterThan(1e-6 * scale);
    }

    @Test
    void tridiagonalInverseEqualsTheDenseCholeskyFormOfThePrecision() {
        // Ξ and Λ built densely from the spec's formulas: Ψ = Ψ^Ā ⊗ Ψ^G, Σ_{i|i+1} = F̃_ii − Ψ F̃_{i+1,i+1} Ψᵀ.
        List<LayerInverse> inv = BlockTridiagonalInverse.build(factors, GAMMA);
        double[][] f = dampedFTilde(inv);
        double[][] xi = Dense.identity(TOTAL);
        double[][] lambda = new double[TOTAL][TOTAL];
        for (int i = 0; i < 3; i++) {
            if (i < 2) {
                double[][] psi = Dense.mul(block(f, i, i + 1), Dense.inverse(block(f, i + 1, i + 1)));
                double[][] negPsi = KroneckerAlgebraTest.scale(psi, -1);
                put(xi, negPsi, offset(i), offset(i + 1));
                double[][] sigma = Dense.add(block(f, i, i), Dense.mul(Dense.mul(psi, block(f, i + 1, i + 1)), Dense.transpose(psi)), -1);
                put(lambda, Dense.inverse(sigma), offset(i), offset(i));
                // Ψ is the Kronecker product of the factor coefficients.
                double[][] kron = Dense.kron(Dense.of(inv.get(i).inputCoupling()), Dense.of(inv.get(i).outputCoupling()));
                assertThat(Dense.maxAbsDiff(psi, kron)).isLessThan(1e-9);
            } else {
                put(lambda, Dense.inverse(block(f, i, i)), offset(i), offset(i));
            }
        }
        double[][] dense = Dense.mul(Dense.mul(Dense.transpose(xi), lambda), xi);
        double[][] op = denseOperator(v -> BlockTridiagonalInverse.apply(inv, v));
        assertThat(Dense.maxAbsDiff(op, dense)).isLessThan(1e-9 * Dense.maxAbs(dense));
    }
}
