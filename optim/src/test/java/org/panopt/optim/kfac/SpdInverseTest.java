package org.panopt.optim.kfac;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link SpdInverse} and {@link SymmetricProduct} against dense float64 references (EJML's LU inverse, triple loops). */
class SpdInverseTest {
    final SplittableRandom rng = new SplittableRandom(11);

    static double[] flat(double[][] m) {
        int n = m.length;
        int c = m[0].length;
        double[] out = new double[n * c];
        for (int i = 0; i < n; i++) System.arraycopy(m[i], 0, out, i * c, c);
        return out;
    }

    static double maxDiagonal(double[][] m) {
        double top = 0;
        for (int i = 0; i < m.length; i++) top = Math.max(top, m[i][i]);
        return top;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 17, 64, 65, 100, 129, 257, 1001})
    void invertsLikeADenseLuInverseAndIsExactlySymmetric(int n) {
        double[][] a = Dense.randomSpd(n, n + 5, 0.05, rng);
        double[] x = flat(a);
        assertThat(SpdInverse.invert(x, n, maxDiagonal(a))).isTrue();
        double[][] reference = Dense.inverse(a);
        double err = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                err = Math.max(err, Math.abs(x[i * n + j] - reference[i][j]));
                assertThat(x[i * n + j]).as("symmetry at (%d, %d)", i, j).isEqualTo(x[j * n + i]);
            }
        }
        assertThat(err).as("n = %d", n).isLessThan(1e-10 * Dense.maxAbs(reference));
    }

    @Test
    void reportsFailureOnIndefiniteSingularAndNonFiniteMatrices() {
        int n = 150;
        double[][] x = Dense.of(org.panopt.tensor.Tensor.randn(rng, org.panopt.tensor.DType.FLOAT64, 100, n));
        double[][] rankDeficient = Dense.mul(Dense.transpose(x), x); // rank 100 < 150: seen only in a Schur complement
        assertThat(SpdInverse.invert(flat(rankDeficient), n, maxDiagonal(rankDeficient))).isFalse();

        double[][] indefinite = Dense.randomSpd(n, n + 5, 0.05, rng);
        indefinite[n - 1][n - 1] = -1;
        assertThat(SpdInverse.invert(flat(indefinite), n, maxDiagonal(indefinite))).isFalse();

        double[][] nan = Dense.randomSpd(70, 80, 0.05, rng);
        nan[3][5] = Double.NaN;
        nan[5][3] = Double.NaN;
        assertThat(SpdInverse.invert(flat(nan), 70, maxDiagonal(nan))).isFalse();
    }

    @Test
    void pivotsAreJudgedAgainstTheGivenScale() {
        // diag(1, t): the pivot t passes when t > 1e-13·scale.
        assertThat(SpdInverse.invert(new double[] {1, 0, 0, 1e-12}, 2, 1)).isTrue();
        assertThat(SpdInverse.invert(new double[] {1, 0, 0, 1e-14}, 2, 1)).isFalse();
        assertThat(SpdInverse.invert(new double[] {1, 0, 0, 1e-12}, 2, 100)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 17, 96, 97, 250})
    void symmetricProductMatchesTheFullProductWithBeta(int n) {
        int k = 7 + n % 5;
        double[][] rows = Dense.of(org.panopt.tensor.Tensor.randn(rng, org.panopt.tensor.DType.FLOAT64, k, n));
        double[][] old = Dense.randomSpd(n, n + 1, 0.1, rng);
        double[] c = flat(old);
        SymmetricProduct.product(true, false, n, k, 0.3, flat(rows), 0, n, flat(rows), 0, n, 0.7, c, 0, n);
        double[][] expected = Dense.add(Dense.add(old, old, -0.3), Dense.mul(Dense.transpose(rows), rows), 0.3); // 0.7·old + 0.3·XᵀX
        double err = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                err = Math.max(err, Math.abs(c[i * n + j] - expected[i][j]));
                assertThat(c[i * n + j]).isEqualTo(c[j * n + i]);
            }
        }
        assertThat(err).isLessThan(1e-12 * (1 + Dense.maxAbs(expected)));
        // The untransposed orientation, β = 0 (C's old contents must not leak through).
        double[][] wide = Dense.transpose(rows); // n×k
        double[] d = new double[n * n];
        java.util.Arrays.fill(d, Double.NaN);
        SymmetricProduct.product(false, true, n, k, 1, flat(wide), 0, k, flat(wide), 0, k, 0, d, 0, n);
        double[][] full = Dense.mul(wide, rows);
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) assertThat(d[i * n + j]).isCloseTo(full[i][j], org.assertj.core.data.Offset.offset(1e-12 * (1 + Dense.maxAbs(full))));
    }
}
