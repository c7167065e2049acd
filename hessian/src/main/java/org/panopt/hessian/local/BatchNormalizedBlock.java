package org.panopt.hessian.local;

import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.panopt.hessian.DenseOperator;
import org.panopt.hessian.LinearOperator;
import org.panopt.tensor.Tensor;

/**
 * Closed forms of the local Hessians of a fully connected block followed by batch normalization without
 * trainable parameters, ẑ_b = BN(W_b z_{b−1}) with batch mean and biased batch variance (Zhang, Chen &amp;
 * Liu 2018, eqs. 16–18; {@code spec/local-hessian.md} A.7). For unit i with row w = w_b(i), a_j = wᵀz_j,
 * Σ = Cov_batch[z_{b−1}] (centred, biased) and s² = wᵀΣw + ε:
 * <pre>
 *   H_z = Σᵢ w_b(i) w_b(i)ᵀ / (Var[w_b(i)ᵀ z_{b−1}] + ε)          (eq. 17, per sample, 1/m terms dropped)
 *       = Σᵢ w_b(i) w_b(i)ᵀ / ‖w_b(i)‖²                         (its Cov = I form)
 *   H_w(i) = (1/s²) (Σ − (2 − σ_w²/s²) Σ w wᵀ Σ / s²),  σ_w² = wᵀΣw  (eq. 18, exact Gauss–Newton)
 * </pre>
 * With ε = 0, (18) is the spec's (1/σ_w²)(Σ − Σwwᵀ Σ/σ_w²); keeping ε (as the layer does) makes it match the
 * layer's exact Gauss–Newton matrix to round-off. H_w(i) is the per-sample average, like eq. 9. Eq. 17 drops
 * the O(1/m) terms of the exact per-sample Jacobian (wᵀ/σ)(1 − 1/m − ẑⱼ²/m) and the O(1/m) cross-sample
 * terms: it is the input Hessian with the batch statistics held fixed.
 *
 * <p>Consequences tested in this package: the spectrum of (17) is invariant under W_b → αW_b (Remark 2);
 * with Cov = I, ‖w‖²·diag(H_w) averages 1 − 1/n_{b−1} (Remark 3); (17) follows Marchenko–Pastur with σ² = c
 * (eq. 19).
 */
public final class BatchNormalizedBlock {
    private BatchNormalizedBlock() {}

    /** Eq. (17) with the batch variance of each unit's pre-activation, for W {@code [n_b, n]} and inputs {@code [m, n]}. */
    public static DMatrixRMaj inputHessian(Tensor weight, Tensor inputs, double eps) {
        DMatrixRMaj w = Matrices.ofMatrix(weight, "BatchNormalizedBlock weight");
        DMatrixRMaj sigma = covariance(inputs, w.numCols);
        int n = w.numCols;
        DMatrixRMaj h = new DMatrixRMaj(n, n);
        for (int i = 0; i < w.numRows; i++) {
            double[] row = rowOf(w, i);
            double var = quadratic(sigma, row) + eps;
            addOuter(h, row, row, 1 / var);
        }
        return h;
    }

    /** Eq. (17) in its Cov = I form Σᵢ wᵢwᵢᵀ/‖wᵢ‖² (eq. 19's matrix). */
    public static DMatrixRMaj inputHessianWhitened(Tensor weight) {
        DMatrixRMaj w = Matrices.ofMatrix(weight, "BatchNormalizedBlock weight");
        int n = w.numCols;
        DMatrixRMaj h = new DMatrixRMaj(n, n);
        for (int i = 0; i < w.numRows; i++) {
            double[] row = rowOf(w, i);
            double norm2 = 0;
            for (double x : row) norm2 += x * x;
            if (norm2 == 0) throw new IllegalArgumentException("BatchNormalizedBlock: row " + i + " of the weight is zero");
            addOuter(h, row, row, 1 / norm2);
        }
        return h;
    }

    /** Eq. (18) for row {@code i} of W. */
    public static DMatrixRMaj weightHessianOfRow(Tensor weight, int i, Tensor inputs, double eps) {
        DMatrixRMaj w = Matrices.ofMatrix(weight, "BatchNormalizedBlock weight");
        if (i < 0 || i >= w.numRows) throw new IndexOutOfBoundsException("BatchNormalizedBlock: row " + i + " of a weight with " + w.numRows + " rows");
        return rowHessian(rowOf(w, i), covariance(inputs, w.numCols), eps);
    }

    /** Eq. (18) for every row of W, sharing one covariance. */
    public static List<DMatrixRMaj> weightHessianRows(Tensor weight, Tensor inputs, double eps) {
        DMatrixRMaj w = Matrices.ofMatrix(weight, "BatchNormalizedBlock weight");
        DMatrixRMaj sigma = covariance(inputs, w.numCols);
        List<DMatrixRMaj> rows = new ArrayList<>(w.numRows);
        for (int i = 0; i < w.numRows; i++) rows.add(rowHessian(rowOf(w, i), sigma, eps));
        return rows;
    }

    /** H_vec(W) = diag(H_w(1), …, H_w(n_b)) over vec(W), rows stacked. */
    public static LinearOperator weightHessian(Tensor weight, Tensor inputs, double eps) {
        List<LinearOperator> blocks = new ArrayList<>();
        for (DMatrixRMaj h : weightHessianRows(weight, inputs, eps)) blocks.add(DenseOperator.symmetric(h));
        return LinearOperator.blockDiagonal(blocks);
    }

    private static DMatrixRMaj rowHessian(double[] w, DMatrixRMaj sigma, double eps) {
        int n = w.length;
        double[] sw = new double[n];
        for (int a = 0; a < n; a++) {
            double s = 0;
            for (int b = 0; b < n; b++) s += sigma.unsafe_get(a, b) * w[b];
            sw[a] = s;
        }
        double sigmaW2 = 0;
        for (int a = 0; a < n; a++) sigmaW2 += w[a] * sw[a];
        double s2 = sigmaW2 + eps;
        DMatrixRMaj h = sigma.copy();
        CommonOps_DDRM.scale(1 / s2, h);
        addOuter(h, sw, sw, -(2 - sigmaW2 / s2) / (s2 * s2));
        return h;
    }

    /** Σ = (1/m) Σⱼ (zⱼ − z̄)(zⱼ − z̄)ᵀ for inputs {@code [m, n]}. */
    static DMatrixRMaj covariance(Tensor inputs, int n) {
        DMatrixRMaj z = Matrices.ofMatrix(inputs, "BatchNormalizedBlock inputs");
        if (z.numCols != n) throw new IllegalArgumentException("BatchNormalizedBlock: inputs " + inputs.shape() + " do not have " + n + " features");
        int m = z.numRows;
        double[] mean = new double[n];
        for (int j = 0; j < m; j++) for (int a = 0; a < n; a++) mean[a] += z.unsafe_get(j, a) / m;
        DMatrixRMaj centred = new DMatrixRMaj(m, n);
        for (int j = 0; j < m; j++) for (int a = 0; a < n; a++) centred.unsafe_set(j, a, z.unsafe_get(j, a) - mean[a]);
        DMatrixRMaj cov = new DMatrixRMaj(n, n);
        CommonOps_DDRM.multTransA(centred, centred, cov);
        CommonOps_DDRM.scale(1.0 / m, cov);
        return cov;
    }

    private static double[] rowOf(DMatrixRMaj w, int i) {
        double[] r = new double[w.numCols];
        System.arraycopy(w.data, i * w.numCols, r, 0, w.numCols);
        return r;
    }

    private static double quadratic(DMatrixRMaj a, double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) for (int j = 0; j < x.length; j++) s += x[i] * a.unsafe_get(i, j) * x[j];
        return s;
    }

    private static void addOuter(DMatrixRMaj h, double[] x, double[] y, double alpha) {
        int n = x.length;
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) h.unsafe_set(i, j, h.unsafe_get(i, j) + alpha * x[i] * y[j]);
    }
}
