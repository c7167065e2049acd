package org.panopt.optim.kfac;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The symmetric eigen-decomposition A = X diag(λ) Xᵀ of a float64 matrix, by EJML (its symmetric QR algorithm:
 * Householder tridiagonalization, implicit QR with shifts), in the layout K-FAC's dense routines use: the
 * eigenvectors as the rows of one row-major array, so that X·D·Xᵀ and K = WᵀX are single GEMMs on core's kernel.
 * Only the damped-inverse fallback and the block-tridiagonal generalized eigenproblems need it (the damped
 * inverses themselves go through {@link SpdInverse}).
 */
final class SymmetricEigen {
    private SymmetricEigen() {}

    /**
     * Eigenvalues in ascending order and eigenvectors: row k of {@code vectors} (n×n, row-major) is the unit
     * eigenvector of {@code values[k]}.
     */
    record Result(double[] values, double[] vectors) {}

    /**
     * The eigen-decomposition of the symmetric n×n matrix {@code a} (row-major; not modified), or null when an
     * entry is not finite or EJML reports that the iteration did not converge.
     */
    static Result decompose(double[] a, int n) {
        for (int i = 0; i < n * n; i++) if (!Double.isFinite(a[i])) return null;
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
        if (!eig.decompose(DMatrixRMaj.wrap(n, n, a.clone()))) return null;
        Integer[] order = new Integer[n];
        for (int k = 0; k < n; k++) order[k] = k;
        java.util.Arrays.sort(order, (p, q) -> Double.compare(eig.getEigenvalue(p).real, eig.getEigenvalue(q).real));
        double[] values = new double[n];
        double[] vectors = new double[n * n];
        for (int k = 0; k < n; k++) {
            values[k] = eig.getEigenvalue(order[k]).real;
            System.arraycopy(eig.getEigenVector(order[k]).data, 0, vectors, k * n, n);
        }
        return new Result(values, vectors);
    }
}
