package org.panopt.hessian.spectrum;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.panopt.hessian.DenseOperator;
import org.panopt.hessian.LinearOperator;

/**
 * Dense eigenvalues and singular values for problems small enough to form (EJML; n ≲ a few thousand:
 * O(n³) time, n² doubles). The reference every iterative method is tested against. An operator is
 * materialized with {@link LinearOperator#toDense()} (n products) and symmetrized, (A + Aᵀ)/2, before a
 * symmetric decomposition, so that round-off asymmetry of a float32 Hessian product does not matter.
 */
public final class DenseSpectrum {
    private DenseSpectrum() {}

    /** All eigenvalues of the symmetric operator, descending. */
    public static double[] eigenvalues(LinearOperator a) {
        return SymmetricEigen.decompose(symmetrized(a), false, "DenseSpectrum").values();
    }

    /** All eigenvalues of a symmetric matrix, descending (only its lower-and-upper average is read). */
    public static double[] eigenvalues(DMatrixRMaj symmetric) {
        return SymmetricEigen.decompose(symmetrized(DenseOperator.symmetric(symmetric)), false, "DenseSpectrum").values();
    }

    /** All eigenpairs of the symmetric operator, descending, with exact residuals ‖A x − λ x‖. */
    public static EigenPairs eigenpairs(LinearOperator a) {
        DMatrixRMaj m = symmetrized(a);
        SymmetricEigen.Result e = SymmetricEigen.decompose(m, true, "DenseSpectrum");
        int n = m.numRows;
        double[] res = new double[n];
        DenseOperator op = DenseOperator.of(m);
        for (int i = 0; i < n; i++) {
            double[] r = op.apply(e.vectors()[i]);
            Vectors.axpy(-e.values()[i], e.vectors()[i], r);
            res[i] = Vectors.norm(r);
        }
        return new EigenPairs(e.values(), e.vectors(), res, n, true);
    }

    /** Singular values of any square or rectangular matrix, descending. */
    public static double[] singularValues(DMatrixRMaj m) {
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(m.numRows, m.numCols, false, false, true);
        if (!svd.decompose(m.copy())) {
            throw new ArithmeticException("DenseSpectrum: EJML's SVD of a " + m.numRows + "×" + m.numCols + " matrix did not converge");
        }
        double[] s = svd.getSingularValues().clone();
        int count = Math.min(m.numRows, m.numCols);
        double[] out = java.util.Arrays.copyOf(s, count);
        java.util.Arrays.sort(out);
        for (int i = 0; i < count / 2; i++) {
            double t = out[i];
            out[i] = out[count - 1 - i];
            out[count - 1 - i] = t;
        }
        return out;
    }

    /** Singular values of the operator's matrix (symmetric or not), descending. */
    public static double[] singularValues(LinearOperator a) {
        return singularValues(a.toDense());
    }

    private static DMatrixRMaj symmetrized(LinearOperator a) {
        if (!a.isSymmetric()) throw new IllegalArgumentException("DenseSpectrum.eigenvalues needs a symmetric operator, got " + a.getClass().getSimpleName());
        DMatrixRMaj m = a.toDense();
        int n = m.numRows;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double avg = 0.5 * (m.unsafe_get(i, j) + m.unsafe_get(j, i));
                m.unsafe_set(i, j, avg);
                m.unsafe_set(j, i, avg);
            }
        }
        return m;
    }
}
