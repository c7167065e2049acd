package org.panopt.hessian.spectrum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.panopt.hessian.DenseOperator;
import org.panopt.hessian.LinearOperator;
import org.panopt.hessian.TestMatrices;

/** Lanczos against matrices with known spectra and against EJML's dense eigen-decomposition. */
class LanczosTest {
    private static final int N = 200;

    /** −3 … 5: six separated eigenvalues at each end around a dense bulk in (−1, 1). */
    private static double[] knownSpectrum() {
        SplittableRandom rng = new SplittableRandom(5);
        double[] l = new double[N];
        for (int i = 0; i < N; i++) l[i] = rng.nextDouble(-1, 1);
        double[] ends = {5, 4.2, 3.6, 3.1, 2.7, 2.4, -3, -2.5, -2.1, -1.8, -1.5, -1.3};
        System.arraycopy(ends, 0, l, 0, ends.length);
        return l;
    }

    private static double[] sortedDescending(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        for (int i = 0; i < s.length / 2; i++) {
            double t = s[i];
            s[i] = s[s.length - 1 - i];
            s[s.length - 1 - i] = t;
        }
        return s;
    }

    @ParameterizedTest
    @EnumSource(Lanczos.Which.class)
    void extremeEigenpairsOfAMatrixWithKnownSpectrum(Lanczos.Which which) {
        double[] lambda = knownSpectrum();
        DMatrixRMaj a = TestMatrices.withSpectrum(lambda, 11);
        DMatrixRMaj q = TestMatrices.eigenvectors(N, 11);
        int k = 6;
        EigenPairs pairs = Lanczos.eigenpairs(DenseOperator.of(a), k, which);
        double[] all = sortedDescending(lambda);
        double[] expected = switch (which) {
            case LARGEST -> Arrays.copyOfRange(all, 0, k);
            case SMALLEST -> Arrays.copyOfRange(all, N - k, N);
            case BOTH_ENDS -> new double[] {all[0], all[1], all[2], all[N - 3], all[N - 2], all[N - 1]};
            case LARGEST_MAGNITUDE -> new double[] {5, 4.2, 3.6, 3.1, 2.7, -3};
        };
        assertThat(pairs.converged()).as("converged").isTrue();
        assertThat(pairs.iterations()).as("products").isLessThan(N);
        for (int i = 0; i < k; i++) {
            assertThat(pairs.values()[i]).as("λ%d", i).isCloseTo(expected[i], within(1e-9));
            // the Ritz vector is ± the known eigenvector of that eigenvalue
            int col = indexOf(lambda, expected[i]);
            double dot = 0;
            for (int r = 0; r < N; r++) dot += q.get(r, col) * pairs.vectors()[i][r];
            assertThat(Math.abs(dot)).as("|⟨x%d, q⟩|", i).isCloseTo(1, within(1e-8));
            assertThat(pairs.residuals()[i]).isLessThanOrEqualTo(1e-10 * 5);
        }
    }

    private static int indexOf(double[] a, double x) {
        for (int i = 0; i < a.length; i++) if (a[i] == x) return i;
        throw new AssertionError(x + " not in the spectrum");
    }

    @Test
    void agreesWithDenseEigenOnARandomSymmetricMatrix() {
        DMatrixRMaj a = TestMatrices.randomSymmetric(150, 3);
        double[] dense = DenseSpectrum.eigenvalues(a);
        EigenPairs both = Lanczos.eigenpairs(DenseOperator.of(a), 4, Lanczos.Which.BOTH_ENDS,
                Lanczos.Options.defaults().withMaxIterations(150).withTolerance(1e-12));
        assertThat(both.values()[0]).isCloseTo(dense[0], within(1e-9));
        assertThat(both.values()[1]).isCloseTo(dense[1], within(1e-9));
        assertThat(both.values()[2]).isCloseTo(dense[148], within(1e-9));
        assertThat(both.values()[3]).isCloseTo(dense[149], within(1e-9));
        // true residuals agree with the Lanczos estimates
        LinearOperator op = DenseOperator.of(a);
        for (int i = 0; i < 4; i++) {
            double[] r = op.apply(both.vectors()[i]);
            for (int j = 0; j < r.length; j++) r[j] -= both.values()[i] * both.vectors()[i][j];
            assertThat(Vectors.norm(r)).isLessThan(1e-9);
        }
    }

    @Test
    void findsRepeatedEigenvaluesWithTheirMultiplicity() {
        double[] lambda = new double[60];
        for (int i = 0; i < 60; i++) lambda[i] = 0.01 * i;
        lambda[10] = lambda[20] = lambda[30] = lambda[40] = 3; // a 4-fold top eigenvalue
        EigenPairs pairs = Lanczos.eigenpairs(DenseOperator.of(TestMatrices.withSpectrum(lambda, 2)), 5, Lanczos.Which.LARGEST);
        assertThat(pairs.values()).containsExactly(new double[] {3, 3, 3, 3, 0.59}, within(1e-9));
        // the four vectors span the eigenspace: mutually orthogonal
        for (int i = 0; i < 4; i++)
            for (int j = i + 1; j < 4; j++) assertThat(Math.abs(Vectors.dot(pairs.vectors()[i], pairs.vectors()[j]))).isLessThan(1e-8);
    }

    @Test
    void lowRankOperatorsGiveExactPairsAndZeros() {
        double[] lambda = new double[80];
        double[] top = {9, 7, 4, 2, 1};
        System.arraycopy(top, 0, lambda, 0, top.length);
        LinearOperator a = DenseOperator.of(TestMatrices.withSpectrum(lambda, 4));
        EigenPairs largest = Lanczos.eigenpairs(a, 5, Lanczos.Which.LARGEST);
        assertThat(largest.values()).containsExactly(top, within(1e-10));
        assertThat(largest.converged()).isTrue();
        EigenPairs smallest = Lanczos.eigenpairs(a, 3, Lanczos.Which.SMALLEST);
        assertThat(smallest.values()).containsExactly(new double[] {0, 0, 0}, within(1e-10));
    }

    @Test
    void tridiagonalizationIsAnOrthogonalProjection() {
        DMatrixRMaj a = TestMatrices.randomSymmetric(40, 8);
        Lanczos.Tridiagonal t = Lanczos.tridiagonalize(DenseOperator.of(a), Probes.GAUSSIAN.draw(40, new SplittableRandom(1)), 40);
        // a full run is similar to A: same eigenvalues
        assertThat(DenseSpectrum.eigenvalues(t.matrix())).containsExactly(DenseSpectrum.eigenvalues(a), within(1e-10));
    }

    @Test
    void refusesNonSymmetricOperatorsAndBadK() {
        DMatrixRMaj m = TestMatrices.randomSymmetric(5, 1);
        m.set(0, 1, 9);
        assertThatThrownBy(() -> Lanczos.eigenpairs(DenseOperator.of(m), 2, Lanczos.Which.LARGEST)).hasMessageContaining("symmetric");
        LinearOperator ok = DenseOperator.of(TestMatrices.randomSymmetric(5, 1));
        assertThatThrownBy(() -> Lanczos.eigenpairs(ok, 6, Lanczos.Which.LARGEST)).hasMessageContaining("k 6");
        assertThatThrownBy(() -> Lanczos.tridiagonalize(ok, new double[5], 3)).hasMessageContaining("norm 0");
    }
}
