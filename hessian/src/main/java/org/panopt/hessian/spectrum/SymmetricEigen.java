package org.panopt.hessian.spectrum;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/** EJML's symmetric eigen-decomposition, sorted descending, with failures turned into exceptions. */
final class SymmetricEigen {
    private SymmetricEigen() {}

    /** Eigenvalues (descending) and, if asked, eigenvectors as columns of {@code vectors[i]} = i-th vector. */
    record Result(double[] values, double[][] vectors) {}

    static Result decompose(DMatrixRMaj symmetric, boolean wantVectors, String who) {
        int n = symmetric.numRows;
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, wantVectors, true);
        if (!eig.decompose(symmetric.copy())) {
            throw new ArithmeticException(who + ": EJML's symmetric eigen-decomposition of a " + n + "×" + n + " matrix did not converge");
        }
        Integer[] order = new Integer[n];
        double[] raw = new double[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            raw[i] = eig.getEigenvalue(i).real;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(raw[b], raw[a]));
        double[] values = new double[n];
        double[][] vectors = wantVectors ? new double[n][] : null;
        for (int i = 0; i < n; i++) {
            values[i] = raw[order[i]];
            if (wantVectors) vectors[i] = eig.getEigenVector(order[i]).data.clone();
        }
        return new Result(values, vectors);
    }
}
