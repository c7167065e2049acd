package org.panopt.optim.kfac;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.panopt.nn.loss.Loss;
import org.panopt.nn.loss.Reduction;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * Random case subsets of a mini-batch (K-FAC's S₁ for the statistics, S₂ for the exact-Fisher products,
 * {@code spec/kfac.md} §3.3) and the factors that rescale quantities computed on a subset, with the loss
 * reduced over that subset, to the curvature of the objective on the whole batch.
 */
final class BatchRows {
    private BatchRows() {}

    /** {@code count} distinct case indices of {@code 0..cases−1}, in increasing order (partial Fisher–Yates). */
    static int[] sample(int cases, int count, SplittableRandom rng) {
        if (count >= cases) {
            int[] all = new int[cases];
            for (int i = 0; i < cases; i++) all[i] = i;
            return all;
        }
        int[] perm = new int[cases];
        for (int i = 0; i < cases; i++) perm[i] = i;
        for (int i = 0; i < count; i++) {
            int j = i + rng.nextInt(cases - i);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int[] out = Arrays.copyOf(perm, count);
        Arrays.sort(out);
        return out;
    }

    /** The subset size for a fraction τ of m cases: round(τm), at least 1 and at most m. */
    static int subsetSize(int m, double fraction) {
        return (int) Math.max(1, Math.min(m, Math.round(fraction * m)));
    }

    /** The rows {@code index} (along axis 0) of {@code t}, as a new detached tensor of the same dtype. */
    static Tensor select(Tensor t, int[] index) {
        int cases = t.dim(0);
        if (index.length == cases) return t.detach();
        int row = t.size() / cases;
        int[] dims = t.dims().clone();
        dims[0] = index.length;
        if (t.dtype() == DType.FLOAT64) {
            double[] src = t.toDoubleArray();
            double[] dst = new double[index.length * row];
            for (int i = 0; i < index.length; i++) System.arraycopy(src, index[i] * row, dst, i * row, row);
            return Tensor.of(dst, dims);
        }
        float[] src = t.toFloatArray();
        float[] dst = new float[index.length * row];
        for (int i = 0; i < index.length; i++) System.arraycopy(src, index[i] * row, dst, i * row, row);
        return Tensor.of(dst, dims);
    }

    /**
     * The divisor the loss's reduction applies on the whole batch of {@code batchCases} cases, given the output
     * {@code subsetOutput} of {@code subsetCases} of them (same per-case output size).
     */
    static double batchDivisor(Loss loss, Tensor subsetOutput, int subsetCases, int batchCases) {
        // A mean's divisor grows with the cases (N for one value per case, N·K over elements); a sum's is 1.
        return loss.reduction() == Reduction.SUM ? 1 : loss.caseDivisor(subsetOutput) / subsetCases * batchCases;
    }

    /**
     * The factor c such that G = c·(1/(n·T))·Σ g gᵀ over the n·T rows of ∂L_n/∂s (L_n the loss reduced over the
     * n-case subset) is the output factor of the curvature of the batch objective L_m: per case the
     * derivative of the reduced loss is w_n·∂ℓ/∂s (w_n = 1/divisor_n), and L_m weighs each case by w_m, so
     * c = m·w_m / w_n². For a mean over cases c = n² — the "multiply g by the batch size" of spec §3.4.
     */
    static double outputFactorScale(Loss loss, Tensor subsetOutput, int subsetCases, int batchCases) {
        double dn = loss.caseDivisor(subsetOutput);
        double dm = batchDivisor(loss, subsetOutput, subsetCases, batchCases);
        return batchCases * dn * dn / dm;
    }

    /**
     * The factor c such that c·(Ju)ᵀ H_n (Jv), with H_n the output Hessian of the loss reduced over the n-case
     * subset, estimates uᵀFv for the batch objective: c = m·w_m/(n·w_n) (1 for mean reductions).
     */
    static double fisherScale(Loss loss, Tensor subsetOutput, int subsetCases, int batchCases) {
        double dn = loss.caseDivisor(subsetOutput);
        double dm = batchDivisor(loss, subsetOutput, subsetCases, batchCases);
        return (double) batchCases * dn / (subsetCases * dm);
    }
}
