package org.panopt.optim.kfac;

import org.panopt.kernels.Gemm;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * The float64 dense linear algebra K-FAC needs on its small symmetric matrices (the Kronecker factors):
 * damped inverses on the SIMD GEMM ({@link SpdInverse}) with a symmetric eigen-decomposition
 * ({@link SymmetricEigen}) as the fallback, and the generalized symmetric eigenproblem of {@code spec/kfac.md} §7.3. Matrices travel as float64
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
        return new Inverse(eigenInverse(damped(x, damping), n), true); // inverted in place: rebuild
    }

    /** A fresh row-major copy of X + d·I. */
    private static double[] damped(Tensor x, double damping) {
        int n = x.dim(0);
        double[] out = x.toDoubleArray();
        for (int i = 0; i < n; i++) out[i * n + i] += damping;
        return out;
    }

    /** Q diag(1/max(λ, 1e-10·max |λ|)) Qᵀ from the eigen-decomposition of the symmetric {@code damped} (n×n). */
    private static Tensor eigenInverse(double[] damped, int n) {
        SymmetricEigen.Result eig = SymmetricEigen.decompose(damped, n);
        if (eig == null) {
            throw new ArithmeticException("K-FAC: symmetric eigen-decomposition of a " + n + "×" + n + " damped factor failed (non-finite entries?)");
        }
        double top = 0;
        for (double l : eig.values()) top = Math.max(top, Math.abs(l));
        double floor = 1e-10 * Math.max(top, Double.MIN_NORMAL);
        double[] x = eig.vectors(); // row k: eigenvector k
        double[] scaled = new double[n * n];
        for (int k = 0; k < n; k++) {
            double inv = 1 / Math.max(eig.values()[k], floor);
            for (int j = 0; j < n; j++) scaled[k * n + j] = x[k * n + j] * inv;
        }
        double[] out = new double[n * n];
        SymmetricProduct.product(true, false, n, n, 1, x, 0, n, scaled, 0, n, 0, out, 0, n); // Σ_k x_k x_kᵀ/λ_k
        return Float64.wrap(out, n, n);
    }

    /**
     * The generalized symmetric eigenproblem C k = s A k for A ≻ 0, C ⪰ 0 (spec §7.3): with A = LLᵀ
     * (Cholesky; W = L⁻¹ by {@link SpdInverse#inverseCholeskyFactor}) and WCWᵀ = E S Eᵀ
     * ({@link SymmetricEigen}), the basis K = WᵀE satisfies KᵀAK = I and KᵀCK = S.
     *
     * @throws ArithmeticException when A is not numerically positive definite (a Cholesky pivot ≤ 0)
     */
    static GeneralizedEigen generalizedEigen(Tensor aTensor, Tensor cTensor) {
        int n = aTensor.dim(0);
        double[] w = aTensor.toDoubleArray();
        if (!SpdInverse.inverseCholeskyFactor(w, n, 0)) {
            throw new ArithmeticException("K-FAC: the damped " + n + "×" + n + " factor is not positive definite (Cholesky failed); raise the damping");
        }
        double[] c = Float64.heapDoubles(cTensor);
        double[] wc = new double[n * n];
        Gemm.dgemm(false, false, n, n, n, 1, w, 0, n, c, 0, n, 0, wc, 0, n);
        double[] m = new double[n * n];
        SymmetricProduct.product(false, true, n, n, 1, wc, 0, n, w, 0, n, 0, m, 0, n);          // W C Wᵀ
        SymmetricEigen.Result eig = SymmetricEigen.decompose(m, n);
        if (eig == null) throw new ArithmeticException("K-FAC: symmetric eigen-decomposition of a " + n + "×" + n + " matrix failed");
        double[] basis = new double[n * n];
        Gemm.dgemm(true, true, n, n, n, 1, w, 0, n, eig.vectors(), 0, n, 0, basis, 0, n);     // K = Wᵀ E, E's columns = the rows of vectors
        return new GeneralizedEigen(Float64.wrap(basis, n, n), eig.values());
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
}
