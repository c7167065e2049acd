package org.panopt.optim.kfac;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.decomposition.TriangularSolver_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * The float64 dense linear algebra K-FAC needs on its small symmetric matrices (the Kronecker factors):
 * damped inverses on the SIMD GEMM ({@link SpdInverse}) with a symmetric eigen-decomposition (EJML) as the
 * fallback, and the generalized symmetric eigenproblem of {@code spec/kfac.md} §7.3. Matrices travel as float64
 * {@link Tensor}s {@code [n, n]} so that the products that apply them run on the SIMD GEMM.
 */
final class DenseSymmetric {
    private DenseSymmetric() {}

    /** An inverse and whether the Cholesky factorization failed and the eigen route produced it. */
    record Inverse(Tensor matrix, boolean eigenFallback) {}

    /** A generalized eigen-basis: Kᵀ A K = I and Kᵀ C K = diag(s). */
    record GeneralizedEigen(Tensor basis, double[] values) {}

    /** (X + Xᵀ)/2 of a square float64 tensor. */
    static Tensor symmetrize(Tensor x) {
        return x.add(x.transpose()).mul(0.5);
    }

    /** The trace of a square tensor. */
    static double trace(Tensor x) {
        int n = x.dim(0);
        double[] d = Float64.heapDoubles(x);
        double t = 0;
        for (int i = 0; i < n; i++) t += d[i * n + i];
        return t;
    }

    static DMatrixRMaj toEjml(Tensor x) {
        return DMatrixRMaj.wrap(x.dim(0), x.dim(1), x.toDoubleArray());
    }

    static Tensor fromEjml(DMatrixRMaj m) {
        return Tensor.of(m.data.length == m.numRows * m.numCols ? m.data : java.util.Arrays.copyOf(m.data, m.numRows * m.numCols), m.numRows, m.numCols);
    }

    /**
     * (X + d·I)⁻¹ for a symmetric positive semi-definite X and damping d ≥ 0, by {@link SpdInverse}. When
     * that fails — X + dI not numerically positive definite: a Cholesky pivot L_ii² below {@link #MIN_PIVOT}
     * times the largest diagonal entry of its block (tiny damping, rank-deficient statistics, round-off) — the
     * symmetric eigen-decomposition X + dI = QΛQᵀ gives Q diag(1/max(λ, floor)) Qᵀ with floor = 1e-10·max |λ|:
     * an inverse that never divides by a non-positive eigenvalue.
     */
    static Inverse dampedInverse(Tensor x, double damping) {
        int n = x.dim(0);
        double[] inv = damped(x, damping);
        double scale = 0;
        for (int i = 0; i < n; i++) scale = Math.max(scale, inv[i * n + i]);
        if (SpdInverse.invert(inv, n, scale)) return new Inverse(Float64.wrap(inv, n, n), false);
        return new Inverse(eigenInverse(DMatrixRMaj.wrap(n, n, damped(x, damping))), true); // inverted in place: rebuild
    }

    /** A fresh row-major copy of X + d·I. */
    private static double[] damped(Tensor x, double damping) {
        int n = x.dim(0);
        double[] out = x.toDoubleArray();
        for (int i = 0; i < n; i++) out[i * n + i] += damping;
        return out;
    }

    /** Signals a Cholesky pivot that is zero, negative or negligible. */
    static final class NotPositiveDefinite extends RuntimeException {
        NotPositiveDefinite() {
            super(null, null, false, false);
        }
    }

    /**
     * The inverse of a symmetric positive definite matrix ({@link SpdInverse}: recursive Schur-complement
     * blocking on the SIMD GEMM, Cholesky on blocks of at most {@link SpdInverse#BASE} rows).
     *
     * @param scale the largest diagonal entry of the whole matrix: pivots of Schur complements are judged
     *              against it, so that a rank-deficient matrix cannot pass as a tiny positive complement
     * @throws NotPositiveDefinite when a pivot is negligible ({@link #MIN_PIVOT})
     */
    static Tensor spdInverse(Tensor m, double scale) {
        int n = m.dim(0);
        double[] x = m.toDoubleArray();
        if (!SpdInverse.invert(x, n, scale)) throw new NotPositiveDefinite();
        return Float64.wrap(x, n, n);
    }

    private static Tensor eigenInverse(DMatrixRMaj damped) {
        int n = damped.numRows;
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
        if (!eig.decompose(damped.copy())) {
            throw new ArithmeticException("K-FAC: symmetric eigen-decomposition of a " + n + "×" + n + " damped factor failed (non-finite entries?)");
        }
        double top = 0;
        for (int i = 0; i < n; i++) top = Math.max(top, Math.abs(eig.getEigenvalue(i).real));
        double floor = 1e-10 * Math.max(top, Double.MIN_NORMAL);
        DMatrixRMaj out = new DMatrixRMaj(n, n);
        for (int k = 0; k < n; k++) {
            double inv = 1 / Math.max(eig.getEigenvalue(k).real, floor);
            DMatrixRMaj q = eig.getEigenVector(k);
            for (int i = 0; i < n; i++) {
                double qi = q.data[i] * inv;
                for (int j = 0; j < n; j++) out.data[i * n + j] += qi * q.data[j];
            }
        }
        return symmetrize(fromEjml(out));
    }

    /**
     * The generalized symmetric eigenproblem C k = s A k for A ≻ 0, C ⪰ 0 (spec §7.3): with A = LLᵀ
     * (Cholesky) and L⁻¹CL⁻ᵀ = E S Eᵀ, the basis K = L⁻ᵀE satisfies KᵀAK = I and KᵀCK = S.
     *
     * @throws ArithmeticException when A is not numerically positive definite
     */
    static GeneralizedEigen generalizedEigen(Tensor aTensor, Tensor cTensor) {
        int n = aTensor.dim(0);
        DMatrixRMaj a = toEjml(aTensor);
        CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(n, true);
        if (!chol.decompose(a) || !finite(a)) {
            throw new ArithmeticException("K-FAC: the damped " + n + "×" + n + " factor is not positive definite (Cholesky failed); raise the damping");
        }
        DMatrixRMaj lower = chol.getT(null);
        DMatrixRMaj linv = new DMatrixRMaj(n, n);
        TriangularSolver_DDRM.invertLower(lower.data, linv.data, n);
        Tensor li = fromEjml(linv);
        Tensor m = symmetrize(li.matmul(cTensor).matmul(li, false, true));
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
        if (!eig.decompose(toEjml(m))) throw new ArithmeticException("K-FAC: symmetric eigen-decomposition of a " + n + "×" + n + " matrix failed");
        double[] s = new double[n];
        double[] e = new double[n * n];
        for (int k = 0; k < n; k++) {
            s[k] = eig.getEigenvalue(k).real;
            DMatrixRMaj q = eig.getEigenVector(k);
            for (int i = 0; i < n; i++) e[i * n + k] = q.data[i];
        }
        Tensor basis = li.matmul(Tensor.of(e, n, n), true, false);
        return new GeneralizedEigen(basis, s);
    }

    static Tensor identity(int n) {
        return Tensor.eye(n, DType.FLOAT64);
    }

    /** Relative size below which a squared Cholesky pivot counts as zero (condition number beyond ~1e13). */
    static final double MIN_PIVOT = 1e-13;

    static double maxDiagonal(Tensor m) {
        int n = m.dim(0);
        double[] d = Float64.heapDoubles(m);
        double top = 0;
        for (int i = 0; i < n; i++) top = Math.max(top, d[i * n + i]);
        return top;
    }

    static boolean allFinite(Tensor t) {
        for (double v : t.dtype() == org.panopt.tensor.DType.FLOAT64 ? Float64.heapDoubles(t) : t.toDoubleArray()) if (!Double.isFinite(v)) return false;
        return true;
    }

    private static boolean finite(DMatrixRMaj m) {
        for (int i = 0; i < m.numRows * m.numCols; i++) if (!Double.isFinite(m.data[i])) return false;
        return true;
    }
}
