package org.panopt.nn;

import org.panopt.autograd.Autograd;
import org.panopt.tensor.Tensor;

/**
 * The scalars that summarize how the local Hessians of a linear or convolutional block followed by
 * batch normalization scale a vector in general position (Zhang, Chen, Liu 2018, §4; {@code spec/local-hessian.md}
 * A.9). Shared by scale-amended SGD ({@code optim.scaled}) and the local-Hessian report ({@code hessian.local}).
 *
 * <p>With the <em>mean squared row norm</em> ‖W‖²_{2,µ} = ‖W‖_F² / #rows(W), where a row is one output unit
 * (dim 0: the rows of a {@code [out, in]} matrix, the C_out filters of a {@code [C_out, C_in, k, k]} kernel)
 * and the rows of Wᵀ are the input units (dim 1, with dims 0 and 1 swapped for a kernel):
 * <pre>
 *   m_{b,W} = 1 / ‖W_b‖²_{2,µ}                     (Remark 3, averaged over rows)
 *   m_{b,z} = ‖W_bᵀ‖²_{2,µ} / ‖W_b‖²_{2,µ}          = n_b / n_{b−1}, or C_out / C_in, whatever the weights
 * </pre>
 * Computed in double from the current weights; a weight of rank below 2 is refused.
 */
public final class BlockScales {
    private BlockScales() {}

    /** ‖W‖²_{2,µ} = ‖W‖_F² / W.dim(0): the mean squared norm of the output rows. */
    public static double meanSquaredRowNorm(Tensor weight) {
        return squaredFrobenius(check(weight)) / weight.dim(0);
    }

    /** ‖Wᵀ‖²_{2,µ} = ‖W‖_F² / W.dim(1): the mean squared norm of the input rows (of Wᵀ). */
    public static double meanSquaredColumnNorm(Tensor weight) {
        return squaredFrobenius(check(weight)) / weight.dim(1);
    }

    /** m_{b,W} = 1 / ‖W‖²_{2,µ}. Infinite for an all-zero weight. */
    public static double weightScale(Tensor weight) {
        return 1.0 / meanSquaredRowNorm(weight);
    }

    /** m_{b,z} = ‖Wᵀ‖²_{2,µ} / ‖W‖²_{2,µ} = W.dim(0) / W.dim(1) (exactly, for any non-zero W). */
    public static double inputScale(Tensor weight) {
        check(weight);
        return (double) weight.dim(0) / weight.dim(1);
    }

    /** ‖W‖_F², accumulated in double. */
    public static double squaredFrobenius(Tensor weight) {
        return Autograd.noGrad(() -> {
            double s = 0;
            for (double v : weight.toDoubleArray()) s += v * v;
            return s;
        });
    }

    private static Tensor check(Tensor weight) {
        if (weight.rank() < 2) {
            throw new IllegalArgumentException("BlockScales: a weight needs at least 2 dims [out, in, ...], got shape " + weight.shape());
        }
        return weight;
    }
}
