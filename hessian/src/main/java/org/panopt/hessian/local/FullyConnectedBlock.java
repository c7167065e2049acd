package org.panopt.hessian.local;

import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.panopt.hessian.DenseOperator;
import org.panopt.hessian.LinearOperator;
import org.panopt.tensor.Tensor;

/**
 * Closed forms of the local Hessians of a fully connected block z_b = W_b z_{b−1} (no bias), for the
 * back-matching loss ℓ_b = ½ Σⱼ ‖z_b^{k+½}[j] − W_b z_{b−1}[j]‖² (Zhang, Chen &amp; Liu 2018, eqs. 7–9):
 * <pre>
 *   H_z = W_bᵀ W_b = Σᵢ w_b(i) w_b(i)ᵀ                       (per sample, eq. 8)
 *   H_w = (1/m) Σⱼ z_{b−1}[j] z_{b−1}[j]ᵀ                     (per row of W_b, eq. 9)
 *   H_vec(W) = I_{n_b} ⊗ H_w                                 (block diagonal: vec stacks rows)
 * </pre>
 * H_w carries the paper's 1/m (the uncentred second moment of the block input), so it is the Hessian of
 * the per-sample-averaged loss, while H_z is the Hessian of the summed loss in one sample's input. The loss
 * is quadratic in each argument, so these are exact (no residual term). The generic
 * {@link LocalHessian} reproduces them from Jacobian products.
 */
public final class FullyConnectedBlock {
    private FullyConnectedBlock() {}

    /** H_z = WᵀW, n_{b−1} × n_{b−1}, for W {@code [n_b, n_{b−1}]}. */
    public static DMatrixRMaj inputHessian(Tensor weight) {
        DMatrixRMaj w = Matrices.ofMatrix(weight, "FullyConnectedBlock weight");
        DMatrixRMaj h = new DMatrixRMaj(w.numCols, w.numCols);
        CommonOps_DDRM.multTransA(w, w, h);
        return h;
    }

    /** H_w = (1/m) ZᵀZ for the block inputs Z {@code [m, n_{b−1}]}. */
    public static DMatrixRMaj weightHessianOfRow(Tensor inputs) {
        DMatrixRMaj z = Matrices.ofMatrix(inputs, "FullyConnectedBlock inputs");
        DMatrixRMaj h = new DMatrixRMaj(z.numCols, z.numCols);
        CommonOps_DDRM.multTransA(z, z, h);
        CommonOps_DDRM.scale(1.0 / z.numRows, h);
        return h;
    }

    /** H_vec(W) = I_{n_b} ⊗ H_w over vec(W) (rows stacked, as the weight tensor is laid out). */
    public static LinearOperator weightHessian(Tensor weight, Tensor inputs) {
        if (weight.rank() != 2 || inputs.rank() != 2 || weight.dim(1) != inputs.dim(1)) {
            throw new IllegalArgumentException("FullyConnectedBlock: weight " + weight.shape() + " and inputs " + inputs.shape()
                    + " must be [n_b, n] and [m, n]");
        }
        DenseOperator row = DenseOperator.symmetric(weightHessianOfRow(inputs));
        List<LinearOperator> blocks = new ArrayList<>();
        for (int i = 0; i < weight.dim(0); i++) blocks.add(row);
        return LinearOperator.blockDiagonal(blocks);
    }
}
