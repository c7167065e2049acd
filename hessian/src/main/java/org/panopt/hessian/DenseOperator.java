package org.panopt.hessian;

import org.ejml.data.DMatrixRMaj;

/**
 * An explicit n×n matrix as an operator (a copy of it is kept). {@link #symmetric} checks symmetry
 * within a tolerance and stores the symmetrized matrix, so round-off in a matrix that is symmetric in
 * exact arithmetic does not stop the symmetric algorithms.
 */
public final class DenseOperator implements LinearOperator {
    /** Relative asymmetry max|aᵢⱼ − aⱼᵢ| / max|aᵢⱼ| accepted by {@link #symmetric(DMatrixRMaj)}. */
    public static final double SYMMETRY_TOLERANCE = 1e-10;

    private final DMatrixRMaj matrix;
    private final boolean symmetric;

    private DenseOperator(DMatrixRMaj matrix, boolean symmetric) {
        this.matrix = matrix;
        this.symmetric = symmetric;
    }

    /** The matrix as it is; symmetric exactly when aᵢⱼ = aⱼᵢ bit for bit. */
    public static DenseOperator of(DMatrixRMaj matrix) {
        checkSquare(matrix);
        DMatrixRMaj m = matrix.copy();
        return new DenseOperator(m, asymmetry(m) == 0);
    }

    /**
     * A matrix that is symmetric up to round-off: (A + Aᵀ)/2 is stored. A relative asymmetry above
     * {@link #SYMMETRY_TOLERANCE} is an error naming the worst entry.
     */
    public static DenseOperator symmetric(DMatrixRMaj matrix) {
        checkSquare(matrix);
        double scale = 0;
        for (double x : matrix.data) scale = Math.max(scale, Math.abs(x));
        double worst = asymmetry(matrix);
        if (worst > SYMMETRY_TOLERANCE * scale) {
            throw new IllegalArgumentException("DenseOperator.symmetric: the matrix is not symmetric: max |a_ij − a_ji| = " + worst
                    + " against max |a_ij| = " + scale);
        }
        int n = matrix.numRows;
        DMatrixRMaj m = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) m.unsafe_set(i, j, 0.5 * (matrix.unsafe_get(i, j) + matrix.unsafe_get(j, i)));
        return new DenseOperator(m, true);
    }

    private static void checkSquare(DMatrixRMaj m) {
        if (m.numRows != m.numCols || m.numRows == 0) {
            throw new IllegalArgumentException("DenseOperator: needs a non-empty square matrix, got " + m.numRows + "×" + m.numCols);
        }
    }

    private static double asymmetry(DMatrixRMaj m) {
        double worst = 0;
        for (int i = 0; i < m.numRows; i++)
            for (int j = i + 1; j < m.numCols; j++) worst = Math.max(worst, Math.abs(m.unsafe_get(i, j) - m.unsafe_get(j, i)));
        return worst;
    }

    /** A copy of the matrix. */
    public DMatrixRMaj matrix() {
        return matrix.copy();
    }

    @Override
    public int dim() {
        return matrix.numRows;
    }

    @Override
    public void apply(double[] v, double[] out) {
        checkLength("dense apply", v);
        int n = matrix.numRows;
        double[] a = matrix.data;
        for (int i = 0; i < n; i++) {
            double s = 0;
            int row = i * n;
            for (int j = 0; j < n; j++) s += a[row + j] * v[j];
            out[i] = s;
        }
    }

    @Override
    public boolean isSymmetric() {
        return symmetric;
    }

    @Override
    public DMatrixRMaj toDense() {
        return matrix.copy();
    }

    /** The identity, without storing it. */
    record Identity(int dim) implements LinearOperator {
        Identity {
            if (dim <= 0) throw new IllegalArgumentException("identity operator: dimension " + dim + " must be positive");
        }

        @Override
        public void apply(double[] v, double[] out) {
            checkLength("identity apply", v);
            System.arraycopy(v, 0, out, 0, dim);
        }

        @Override
        public boolean isSymmetric() {
            return true;
        }
    }
}
