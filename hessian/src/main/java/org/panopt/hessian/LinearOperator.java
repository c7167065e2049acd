package org.panopt.hessian;

import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * A square linear map A: ℝⁿ → ℝⁿ known only through its products {@code out = A·v} — the way curvature
 * of a network is handled (curvlinops' view; STYLE.md §3). Hessians, Gauss–Newton and Fisher matrices of
 * networks with millions of parameters are never formed; the algorithms of
 * {@link org.panopt.hessian.spectrum} (Lanczos, stochastic Lanczos quadrature, power iteration,
 * Hutchinson) take any operator.
 *
 * <p>Vectors are {@code double[]}: network passes may run in float32, but spectra are accumulated in
 * double. Operators compose ({@link #plus}, {@link #times}, {@link #compose}, {@link #blockDiagonal},
 * {@link #restrict}) and {@link #toDense()} materializes one column per basis vector, which is what tests
 * compare against.
 */
public interface LinearOperator {

    /** n, the size of the vectors this operator maps. */
    int dim();

    /**
     * Writes A·v into {@code out}. Both have length {@link #dim()}; {@code out} is overwritten and must not
     * be the same array as {@code v}.
     */
    void apply(double[] v, double[] out);

    /** Whether A = Aᵀ in exact arithmetic (curvature matrices are); algorithms that need symmetry check it. */
    boolean isSymmetric();

    /** A·v in a new array. */
    default double[] apply(double[] v) {
        checkLength("apply", v);
        double[] out = new double[dim()];
        apply(v, out);
        return out;
    }

    /** The n×n matrix, one column A·e_j per basis vector (n products: for small operators and tests). */
    default DMatrixRMaj toDense() {
        int n = dim();
        DMatrixRMaj m = new DMatrixRMaj(n, n);
        double[] e = new double[n];
        double[] col = new double[n];
        for (int j = 0; j < n; j++) {
            e[j] = 1;
            apply(e, col);
            e[j] = 0;
            for (int i = 0; i < n; i++) m.unsafe_set(i, j, col[i]);
        }
        return m;
    }

    /** A + B. */
    default LinearOperator plus(LinearOperator other) {
        return new SumOperator(List.of(this, other));
    }

    /** α·A. */
    default LinearOperator times(double alpha) {
        return new ScaledOperator(this, alpha);
    }

    /** A + σ·I (e.g. Tikhonov damping). */
    default LinearOperator shift(double sigma) {
        return plus(identity(dim()).times(sigma));
    }

    /** A·B: v ↦ A(B v). Symmetric only when declared so by the caller's knowledge; reported as not symmetric. */
    default LinearOperator compose(LinearOperator inner) {
        return new ProductOperator(this, inner);
    }

    /**
     * The principal sub-matrix A[from:to, from:to]: v is embedded with zeros outside [from, to) and only
     * that range of the product is kept. For a Hessian over several parameter blocks this is the Hessian
     * of one block.
     */
    default LinearOperator restrict(int from, int to) {
        return new PrincipalSubmatrixOperator(this, from, to);
    }

    /** The block-diagonal operator diag(A₁, A₂, …), acting on the concatenation of their vectors. */
    static LinearOperator blockDiagonal(List<? extends LinearOperator> blocks) {
        return new BlockDiagonalOperator(blocks);
    }

    /** The n×n identity. */
    static LinearOperator identity(int n) {
        return new DenseOperator.Identity(n);
    }

    /** Refuses a vector whose length is not {@link #dim()}. */
    default void checkLength(String what, double[] v) {
        if (v.length != dim()) {
            throw new IllegalArgumentException(what + ": vector of length " + v.length + " for an operator of dimension " + dim());
        }
    }
}
