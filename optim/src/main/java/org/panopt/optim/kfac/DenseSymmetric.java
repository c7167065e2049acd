package org.panopt.optim.kfac;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.decomposition.TriangularSolver_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * The float64 dense linear algebra K-FAC needs on its small symmetric matrices (the Kronecker factors),
 * through EJML: damped inverses by Cholesky with a symmetric eigen-decomposition as the fallback, and the
 * generalized symmetric eigenproblem of {@code spec/kfac.md} §7.3. Matrices travel as float64
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
     * (X + d·I)⁻¹ for a symmetric positive semi-definite X and damping d ≥ 0, by {@link #spdInverse}. When
     * that fails — X + dI not numerically positive definite: a Cholesky pivot L_ii² below {@link #MIN_PIVOT}
     * times the largest diagonal entry of its block (tiny damping, rank-deficient statistics, round-off) — the
     * symmetric eigen-decomposition X + dI = QΛQᵀ gives Q diag(1/max(λ, floor)) Qᵀ with floor = 1e-10·max |λ|:
     * an inverse that never divides by a non-positive eigenvalue.
     */
    static Inverse dampedInverse(Tensor x, double damping) {
        int n = x.dim(0);
        Tensor damped = damping == 0 ? x : x.add(identity(n).mul(damping));
        try {
            Tensor inv = spdInverse(damped, maxDiagonal(damped));
            if (allFinite(inv)) return new Inverse(inv, false);
        } catch (NotPositiveDefinite e) {
            // fall through to the eigen route
        }
        return new Inverse(eigenInverse(toEjml(damped)), true);
    }

    /** Signals a Cholesky pivot that is zero, negative or negligible. */
    private static final class NotPositiveDefinite extends RuntimeException {
        NotPositiveDefinite() {
            super(null, null, false, false);
        }
    }

    /** Blocks up to this size are inverted by EJML's Cholesky; larger ones recursively. */
    static final int BASE_BLOCK = 96;

    /**
     * The inverse of a symmetric positive definite matrix, by recursive 2×2 blocking on Schur complements:
     * with M = [A B; Bᵀ C], S = C − BᵀA⁻¹B (positive definite when M is),
     * <pre>
     *   M⁻¹ = [ A⁻¹ + A⁻¹B S⁻¹ BᵀA⁻¹   −A⁻¹B S⁻¹ ]
     *         [ −S⁻¹BᵀA⁻¹              S⁻¹       ]
     * </pre>
     * so that the O(n³) work runs in the SIMD GEMM (EJML's own products are unblocked); blocks of at most
     * {@link #BASE_BLOCK} rows are inverted through Cholesky, M = LLᵀ, M⁻¹ = L⁻ᵀL⁻¹.
     *
     * @param scale the largest diagonal entry of the whole matrix: pivots of Schur complements are judged
     *              against it, so that a rank-deficient matrix cannot pass as a tiny positive complement
     * @throws NotPositiveDefinite when a pivot is negligible ({@link #MIN_PIVOT})
     */
    static Tensor spdInverse(Tensor m, double scale) {
        int n = m.dim(0);
        if (n <= BASE_BLOCK) return choleskyInverse(m, scale);
        int k = n / 2;
        Tensor a = m.narrow(0, 0, k).narrow(1, 0, k);
        Tensor b = m.narrow(0, 0, k).narrow(1, k, n - k);
        Tensor c = m.narrow(0, k, n - k).narrow(1, k, n - k);
        Tensor ai = spdInverse(a, scale);
        Tensor aib = ai.matmul(b);
        Tensor si = spdInverse(symmetrize(c.sub(b.matmul(aib, true, false))), scale);
        Tensor x12 = aib.matmul(si).neg();
        Tensor x11 = ai.sub(x12.matmul(aib, false, true));
        Tensor top = Tensor.concat(1, x11, x12);
        Tensor bottom = Tensor.concat(1, x12.transpose(), si);
        return symmetrize(Tensor.concat(0, top, bottom));
    }

    private static Tensor choleskyInverse(Tensor m, double scale) {
        int n = m.dim(0);
        DMatrixRMaj a = toEjml(m);
        CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(n, true);
        DMatrixRMaj work = a.copy();
        if (!chol.decompose(work) || !finite(work)) throw new NotPositiveDefinite();
        DMatrixRMaj lower = chol.getT(null);
        if (!wellConditioned(lower, scale)) throw new NotPositiveDefinite();
        DMatrixRMaj linv = new DMatrixRMaj(n, n);
        TriangularSolver_DDRM.invertLower(lower.data, linv.data, n);
        Tensor li = fromEjml(linv);
        return symmetrize(li.matmul(li, true, false));
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

    private static boolean wellConditioned(DMatrixRMaj lower, double scale) {
        int n = lower.numRows;
        for (int i = 0; i < n; i++) {
            double p = lower.data[i * n + i];
            if (!(p * p > MIN_PIVOT * scale)) return false;
        }
        return true;
    }

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
