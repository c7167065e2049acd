package org.panopt.optim.kfac;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * The identities K-FAC's matrix forms rest on ({@code spec/kfac.md} §1.3, §4.2, §7.3), against dense
 * Kronecker products with the paper's column-stacking vec.
 */
class KroneckerAlgebraTest {
    final SplittableRandom rng = new SplittableRandom(3);

    @Test
    void vecOfAnOuterProductIsAKroneckerProduct() {
        // vec(g āᵀ) = ā ⊗ g.
        double[][] a = Dense.of(Tensor.randn(rng, DType.FLOAT64, 4, 1));
        double[][] g = Dense.of(Tensor.randn(rng, DType.FLOAT64, 3, 1));
        double[] lhs = Dense.vec(Dense.mul(g, Dense.transpose(a)));
        double[] rhs = Dense.vec(Dense.kron(a, g));
        assertThat(Dense.maxAbsDiff(lhs, rhs)).isLessThan(1e-15);
    }

    @Test
    void kroneckerTimesVecIsASandwich() {
        // (A ⊗ G) vec(V) = vec(G V Aᵀ), and so (A ⊗ G)⁻¹ vec(V) = vec(G⁻¹ V A⁻¹) for symmetric factors.
        double[][] a = Dense.of(Tensor.randn(rng, DType.FLOAT64, 4, 4));
        double[][] g = Dense.of(Tensor.randn(rng, DType.FLOAT64, 3, 3));
        double[][] v = Dense.of(Tensor.randn(rng, DType.FLOAT64, 3, 4));
        double[] lhs = Dense.mul(Dense.kron(a, g), Dense.vec(v));
        double[] rhs = Dense.vec(Dense.mul(Dense.mul(g, v), Dense.transpose(a)));
        assertThat(Dense.maxAbsDiff(lhs, rhs)).isLessThan(1e-13);

        double[][] as = Dense.randomSpd(4, 9, 0.1, rng);
        double[][] gs = Dense.randomSpd(3, 9, 0.1, rng);
        double[] dense = Dense.solve(Dense.kron(as, gs), Dense.vec(v));
        Tensor u = Dense.tensor(Dense.inverse(gs)).matmul(Dense.tensor(v)).matmul(Dense.tensor(Dense.inverse(as)));
        assertThat(Dense.maxAbsDiff(dense, Dense.vec(Dense.of(u)))).isLessThan(1e-10);
    }

    @Test
    void differenceOfKroneckerProductsIsInvertedByGeneralizedEigenBases() {
        // (A⊗B − C⊗D)⁻¹ with C, D "smaller" than A, B (a conditional covariance), and the sum A⊗B + C⊗D.
        double[][] a = Dense.randomSpd(5, 12, 0.2, rng);
        double[][] b = Dense.randomSpd(4, 12, 0.2, rng);
        double[][] c = Dense.mul(Dense.randomSpd(5, 3, 0, rng), Dense.identity(5));
        double[][] d = Dense.randomSpd(4, 3, 0, rng);
        c = scale(c, 0.3 / Dense.maxAbs(c));
        d = scale(d, 0.3 / Dense.maxAbs(d));
        double[][] v = Dense.of(Tensor.randn(rng, DType.FLOAT64, 4, 5));
        for (int sign : new int[] {-1, 1}) {
            double[][] dense = Dense.add(Dense.kron(a, b), Dense.kron(c, d), sign);
            KroneckerSumInverse inv = KroneckerSumInverse.of(Dense.tensor(a), Dense.tensor(b), Dense.tensor(c), Dense.tensor(d), sign);
            double[] expected = Dense.solve(dense, Dense.vec(v));
            double[] actual = Dense.vec(Dense.of(inv.apply(Dense.tensor(v))));
            assertThat(Dense.maxAbsDiff(expected, actual)).as("sign %d", sign).isLessThan(1e-9 * (1 + Dense.maxAbs(new double[][] {expected})));
        }
    }

    @Test
    void generalizedEigenBasisDiagonalizesBothMatrices() {
        double[][] a = Dense.randomSpd(6, 10, 0.1, rng);
        double[][] c = Dense.randomSpd(6, 4, 0, rng);
        DenseSymmetric.GeneralizedEigen e = DenseSymmetric.generalizedEigen(Dense.tensor(a), Dense.tensor(c));
        double[][] k = Dense.of(e.basis());
        double[][] kak = Dense.mul(Dense.mul(Dense.transpose(k), a), k);
        double[][] kck = Dense.mul(Dense.mul(Dense.transpose(k), c), k);
        double[][] s = new double[6][6];
        for (int i = 0; i < 6; i++) s[i][i] = e.values()[i];
        assertThat(Dense.maxAbsDiff(kak, Dense.identity(6))).isLessThan(1e-10);
        assertThat(Dense.maxAbsDiff(kck, s)).isLessThan(1e-10);
    }

    @Test
    void exactTikhonovThroughTheSameRoutine() {
        // C = D = I with the + sign: (A⊗B + c·I)⁻¹ — spec §4.2's eigen formula, here through §7.3.
        double[][] a = Dense.randomSpd(4, 8, 0.0, rng);
        double[][] b = Dense.randomSpd(3, 8, 0.0, rng);
        double c = 0.37;
        double[][] v = Dense.of(Tensor.randn(rng, DType.FLOAT64, 3, 4));
        double[][] dense = Dense.add(Dense.kron(a, b), Dense.identity(12), c);
        KroneckerSumInverse inv = KroneckerSumInverse.of(Dense.tensor(a), Dense.tensor(b), Dense.tensor(scale(Dense.identity(4), c)),
                Dense.tensor(Dense.identity(3)), 1);
        assertThat(Dense.maxAbsDiff(Dense.solve(dense, Dense.vec(v)), Dense.vec(Dense.of(inv.apply(Dense.tensor(v)))))).isLessThan(1e-9);
    }

    @Test
    void factoredDampingDiffersFromTikhonovByTheCrossTerms() {
        // (Ā + πγI)⊗(G + (γ/π)I) − Ā⊗G − γ²I = (γ/π)(Ā⊗I) + πγ(I⊗G).
        double[][] a = Dense.randomSpd(4, 6, 0, rng);
        double[][] g = Dense.randomSpd(3, 6, 0, rng);
        double pi = 1.7;
        double gamma = 0.4;
        double[][] lhs = Dense.add(Dense.add(Dense.kron(Dense.add(a, Dense.identity(4), pi * gamma), Dense.add(g, Dense.identity(3), gamma / pi)),
                Dense.kron(a, g), -1), Dense.identity(12), -gamma * gamma);
        double[][] rhs = Dense.add(scale(Dense.kron(a, Dense.identity(3)), gamma / pi), Dense.kron(Dense.identity(4), g), pi * gamma);
        assertThat(Dense.maxAbsDiff(lhs, rhs)).isLessThan(1e-12);
    }

    @Test
    void dampedInverseFallsBackToTheEigenRouteWhenCholeskyFails() {
        // A singular PSD matrix without damping: Cholesky fails; the pseudo-inverse route still inverts the range.
        double[][] x = Dense.of(Tensor.randn(rng, DType.FLOAT64, 2, 4));
        double[][] singular = Dense.mul(Dense.transpose(x), x); // rank 2
        DenseSymmetric.Inverse inv = DenseSymmetric.dampedInverse(Dense.tensor(singular), 0);
        assertThat(inv.eigenFallback()).isTrue();
        assertThat(DenseSymmetric.allFinite(inv.matrix())).isTrue();
        // On the range of A the result inverts A: A·X·(A v) = A v; elsewhere it is bounded by 1/(1e-10·max λ).
        double[] av = Dense.mul(singular, Dense.vec(Dense.of(Tensor.randn(rng, DType.FLOAT64, 4, 1))));
        double[] back = Dense.mul(singular, Dense.mul(Dense.of(inv.matrix()), av));
        assertThat(Dense.maxAbsDiff(back, av)).isLessThan(1e-6 * Dense.maxAbs(new double[][] {av}));
        assertThat(Dense.maxAbs(Dense.of(inv.matrix()))).isLessThan(4 * 1e10 / Dense.maxAbs(singular));
        DenseSymmetric.Inverse ok = DenseSymmetric.dampedInverse(Dense.tensor(singular), 0.5);
        assertThat(ok.eigenFallback()).isFalse();
        assertThat(Dense.maxAbsDiff(Dense.of(ok.matrix()), Dense.inverse(Dense.add(singular, Dense.identity(4), 0.5)))).isLessThan(1e-12);
    }

    @Test
    void recursiveInverseMatchesADenseInverseOnAwkwardSizes() {
        for (int n : new int[] {1, 7, 96, 97, 250}) {
            double[][] a = Dense.randomSpd(n, n + 5, 0.05, rng);
            double[] inv = SpdInverseTest.flat(a);
            assertThat(SpdInverse.invert(inv, n, DenseSymmetric.maxDiagonal(Dense.tensor(a)))).as("n = %d", n).isTrue();
            double[][] prod = Dense.mul(a, Dense.of(Float64.wrap(inv, n, n)));
            assertThat(Dense.maxAbsDiff(prod, Dense.identity(n))).as("n = %d", n).isLessThan(1e-9);
        }
        // A large rank-deficient matrix is caught in a Schur complement and inverted by the eigen route.
        double[][] x = Dense.of(Tensor.randn(rng, DType.FLOAT64, 150, 200));
        DenseSymmetric.Inverse inv = DenseSymmetric.dampedInverse(Dense.tensor(Dense.mul(Dense.transpose(x), x)), 0);
        assertThat(inv.eigenFallback()).isTrue();
        assertThat(DenseSymmetric.allFinite(inv.matrix())).isTrue();
    }

    static double[][] scale(double[][] m, double s) {
        double[][] out = new double[m.length][m[0].length];
        for (int i = 0; i < m.length; i++) for (int j = 0; j < m[0].length; j++) out[i][j] = m[i][j] * s;
        return out;
    }
}
