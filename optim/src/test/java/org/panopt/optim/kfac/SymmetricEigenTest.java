package org.panopt.optim.kfac;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * {@link SymmetricEigen} against EJML's symmetric QR algorithm (eigenvalues) and the defining identities
 * (AX = XΛ, XᵀX = I) in float64, on awkward sizes and spectra; {@link SpdInverse#inverseCholeskyFactor} against
 * WAWᵀ = I.
 */
class SymmetricEigenTest {
    final SplittableRandom rng = new SplittableRandom(17);

    static double[] flat(double[][] m) {
        return SpdInverseTest.flat(m);
    }

    /** A random symmetric matrix with both signs in its spectrum. */
    double[][] randomSymmetric(int n) {
        double[][] g = Dense.of(Tensor.randn(rng, DType.FLOAT64, n, n));
        return Dense.add(g, Dense.transpose(g), 1);
    }

    static double[] ejmlValues(double[][] a) {
        int n = a.length;
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, false, true);
        assertThat(eig.decompose(new DMatrixRMaj(a))).isTrue();
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = eig.getEigenvalue(i).real;
        Arrays.sort(v);
        return v;
    }

    /** max |AX − XΛ| and max |XᵀX − I| (X's columns = the rows of {@code vectors}). */
    static void checkDecomposition(double[][] a, SymmetricEigen.Result r, double tol, String what) {
        int n = a.length;
        double[] x = r.vectors();
        double scale = Math.max(1, Dense.maxAbs(a));
        double residual = 0;
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) s += a[i][j] * x[k * n + j];
                residual = Math.max(residual, Math.abs(s - r.values()[k] * x[k * n + i]));
            }
        }
        double orthogonality = 0;
        for (int k = 0; k < n; k++) {
            for (int l = 0; l <= k; l++) {
                double s = 0;
                for (int j = 0; j < n; j++) s += x[k * n + j] * x[l * n + j];
                orthogonality = Math.max(orthogonality, Math.abs(s - (k == l ? 1 : 0)));
            }
        }
        assertThat(residual).as("%s: ‖AX − XΛ‖", what).isLessThan(tol * n * scale);
        assertThat(orthogonality).as("%s: ‖XᵀX − I‖", what).isLessThan(tol * n);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 17, 64, 100, 257, 1001})
    void decomposesRandomSymmetricMatrices(int n) {
        double[][] a = randomSymmetric(n);
        SymmetricEigen.Result r = SymmetricEigen.decompose(flat(a), n);
        assertThat(r).isNotNull();
        double[] mine = r.values().clone();
        Arrays.sort(mine);
        assertThat(Dense.maxAbsDiff(mine, ejmlValues(a))).as("eigenvalues, n = %d", n).isLessThan(1e-12 * n * Dense.maxAbs(a));
        checkDecomposition(a, r, 1e-14, "n = " + n);
    }

    @Test
    void handlesDegenerateSpectra() {
        int n = 150;
        // Rank-deficient PSD (a K-FAC factor from fewer cases than its size): 100 zero eigenvalues.
        double[][] x = Dense.of(Tensor.randn(rng, DType.FLOAT64, 50, n));
        double[][] lowRank = Dense.mul(Dense.transpose(x), x);
        // Already diagonal (every reflector is the identity), with repeated values.
        double[][] diagonal = new double[n][n];
        for (int i = 0; i < n; i++) diagonal[i][i] = i % 3;
        // Already tridiagonal, a multiple of the identity, all zeros, and huge and tiny scales.
        double[][] tridiagonal = new double[n][n];
        for (int i = 0; i < n; i++) {
            tridiagonal[i][i] = 2;
            if (i + 1 < n) tridiagonal[i][i + 1] = tridiagonal[i + 1][i] = -1;
        }
        double[][] identity = Dense.add(Dense.identity(n), Dense.identity(n), 2); // 3·I
        double[][] zeros = new double[n][n];
        double[][] huge = KroneckerAlgebraTest.scale(randomSymmetric(n), 1e200);
        double[][] tiny = KroneckerAlgebraTest.scale(randomSymmetric(n), 1e-200);
        String[] names = {"low rank", "diagonal", "tridiagonal", "3·I", "zeros", "huge", "tiny"};
        double[][][] cases = {lowRank, diagonal, tridiagonal, identity, zeros, huge, tiny};
        for (int c = 0; c < cases.length; c++) {
            SymmetricEigen.Result r = SymmetricEigen.decompose(flat(cases[c]), n);
            assertThat(r).as(names[c]).isNotNull();
            double[] mine = r.values().clone();
            Arrays.sort(mine);
            double scale = Math.max(Double.MIN_NORMAL, Dense.maxAbs(cases[c]));
            assertThat(Dense.maxAbsDiff(mine, ejmlValues(cases[c]))).as(names[c]).isLessThanOrEqualTo(1e-12 * n * scale);
            if (c != 5 && c != 6) checkDecomposition(cases[c], r, 1e-14, names[c]);
        }
    }

    @Test
    void refusesNonFiniteInput() {
        double[][] a = randomSymmetric(5);
        a[3][1] = a[1][3] = Double.NaN;
        assertThat(SymmetricEigen.decompose(flat(a), 5)).isNull();
        a[3][1] = a[1][3] = Double.POSITIVE_INFINITY;
        assertThat(SymmetricEigen.decompose(flat(a), 5)).isNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 17, 64, 65, 130, 1001})
    void inverseCholeskyFactorWhitensTheMatrix(int n) {
        double[][] a = Dense.randomSpd(n, n + 5, 0.05, rng);
        double[] w = flat(a);
        assertThat(SpdInverse.inverseCholeskyFactor(w, n, SpdInverseTest.maxDiagonal(a))).isTrue();
        double[][] wm = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                wm[i][j] = w[i * n + j];
                if (j > i) assertThat(w[i * n + j]).as("upper triangle").isZero();
            }
            assertThat(wm[i][i]).isPositive();
        }
        double[][] whitened = Dense.mul(Dense.mul(wm, a), Dense.transpose(wm));
        assertThat(Dense.maxAbsDiff(whitened, Dense.identity(n))).as("n = %d", n).isLessThan(1e-10);
        if (n > 2) {
            double[][] x = Dense.of(Tensor.randn(rng, DType.FLOAT64, n / 2, n));
            double[][] singular = Dense.mul(Dense.transpose(x), x); // rank n/2: caught in a base block or a Schur complement
            assertThat(SpdInverse.inverseCholeskyFactor(flat(singular), n, SpdInverseTest.maxDiagonal(singular))).isFalse();
        }
    }
}
