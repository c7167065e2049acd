package org.panopt.hessian.spectrum;

import org.ejml.data.DMatrixRMaj;
import org.panopt.hessian.LinearOperator;

/**
 * The condition number in the local-Hessian paper's sense (Zhang, Chen &amp; Liu 2018, §3.2):
 * C(M) = σ_max(M) / σ_min(M), σ_min the smallest <em>non-zero</em> singular value — so a rank-deficient
 * local Hessian (an orthogonal W_b with n_b &lt; n_{b−1}) is judged on its non-zero part.
 *
 * <p>"Non-zero" means σ &gt; tolerance·σ_max. The default relative tolerance is NumPy's
 * {@code matrix_rank} rule, max(rows, cols)·ε (ε = 2.2e-16), right for matrices computed in float64; for
 * curvature from float32 network passes pass a tolerance near 1e-6 instead.
 *
 * @param value           σ_max / σ_min (NaN for the zero matrix)
 * @param largest         σ_max
 * @param smallestNonZero σ_min above the tolerance
 * @param rank            how many singular values are above the tolerance
 * @param tolerance       the relative tolerance used
 */
public record ConditionNumber(double value, double largest, double smallestNonZero, int rank, double tolerance) {

    /** max(rows, cols)·ε: the default relative tolerance for "non-zero". */
    public static double defaultTolerance(int size) {
        return size * Math.ulp(1.0);
    }

    /** From singular values in any order (absolute values of eigenvalues for a symmetric matrix). */
    public static ConditionNumber ofSingularValues(double[] singularValues, double tolerance) {
        if (singularValues.length == 0) throw new IllegalArgumentException("ConditionNumber: no singular values");
        if (!(tolerance >= 0)) throw new IllegalArgumentException("ConditionNumber: tolerance " + tolerance + " must be ≥ 0");
        double max = 0;
        for (double s : singularValues) {
            if (!(s >= 0)) throw new IllegalArgumentException("ConditionNumber: singular value " + s + " is negative or NaN");
            max = Math.max(max, s);
        }
        if (max == 0) return new ConditionNumber(Double.NaN, 0, Double.NaN, 0, tolerance);
        double min = Double.POSITIVE_INFINITY;
        int rank = 0;
        for (double s : singularValues) {
            if (s > tolerance * max) {
                rank++;
                min = Math.min(min, s);
            }
        }
        return new ConditionNumber(max / min, max, min, rank, tolerance);
    }

    /** From the eigenvalues of a symmetric matrix: σᵢ = |λᵢ|. */
    public static ConditionNumber ofEigenvalues(double[] eigenvalues, double tolerance) {
        double[] s = new double[eigenvalues.length];
        for (int i = 0; i < s.length; i++) s[i] = Math.abs(eigenvalues[i]);
        return ofSingularValues(s, tolerance);
    }

    /** Of a dense matrix, with the default tolerance. */
    public static ConditionNumber of(DMatrixRMaj m) {
        return ofSingularValues(DenseSpectrum.singularValues(m), defaultTolerance(Math.max(m.numRows, m.numCols)));
    }

    /** Of a dense matrix with a given relative tolerance. */
    public static ConditionNumber of(DMatrixRMaj m, double tolerance) {
        return ofSingularValues(DenseSpectrum.singularValues(m), tolerance);
    }

    /** Of an operator, through its dense matrix, with a given relative tolerance. */
    public static ConditionNumber of(LinearOperator a, double tolerance) {
        return of(a.toDense(), tolerance);
    }
}
