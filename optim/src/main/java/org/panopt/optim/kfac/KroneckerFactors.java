package org.panopt.optim.kfac;

import org.panopt.optim.OptState;
import org.panopt.tensor.Tensor;

/**
 * The running estimates of one layer's Kronecker factors (float64, symmetric), {@code spec/kfac.md} §3:
 * <ul>
 * <li>{@code input} Ā = E[ā ā ᵀ] over the layer's inputs ā = [a; 1] (homogeneous coordinate last, when the
 *     layer has a bias), {@code [d_in+1, d_in+1]};</li>
 * <li>{@code output} G = E[g gᵀ] over the derivatives g = ∂L/∂s of the layer's output with targets sampled
 *     from the model, {@code [d_out, d_out]}, scaled to the curvature of the objective as reduced;</li>
 * <li>for the block-tridiagonal inverse only, the cross moments with the next layer:
 *     {@code inputCross} Ā_{i−1,i} = E[ā_{i−1} ā_iᵀ] (this layer's input by the next layer's input) and
 *     {@code outputCross} G_{i,i+1} = E[g_i g_{i+1}ᵀ]; null for the last layer and for the block-diagonal
 *     version.</li>
 * </ul>
 * Updated as X ← ε_k X + (1 − ε_k) X^batch ({@link KfacSchedules#statisticsDecay}); null before the first
 * update. Never mutated: {@link #decayedWith} returns a new record.
 */
public record KroneckerFactors(Tensor input, Tensor output, Tensor inputCross, Tensor outputCross) implements OptState {

    /** No estimate yet. */
    public static final KroneckerFactors EMPTY = new KroneckerFactors(null, null, null, null);

    /** Whether the factors have been estimated at least once. */
    public boolean estimated() {
        return input != null;
    }

    /**
     * ε·this + (1 − ε)·batch with the diagonal factors symmetrized, (X + Xᵀ)/2; the first estimate (this
     * empty) is the batch itself whatever ε is (ε₁ = 0 anyway).
     */
    public KroneckerFactors decayedWith(KroneckerFactors batch, double epsilon) {
        if (!estimated()) {
            return new KroneckerFactors(mix(null, batch.input, 0, true), mix(null, batch.output, 0, true), batch.inputCross, batch.outputCross);
        }
        return new KroneckerFactors(mix(input, batch.input, epsilon, true), mix(output, batch.output, epsilon, true),
                mix(inputCross, batch.inputCross, epsilon, false), mix(outputCross, batch.outputCross, epsilon, false));
    }

    // One pass over the arrays, in tiles so that the transposed reads of the symmetrization stay in cache: these
    // are the largest tensors K-FAC keeps (up to 1001² doubles per factor).
    private static Tensor mix(Tensor old, Tensor fresh, double epsilon, boolean symmetrize) {
        if (fresh == null) return null;
        if (old == null && !symmetrize) return fresh;
        int r = fresh.dim(0);
        int c = fresh.dim(1);
        double[] f = Float64.heapDoubles(fresh);
        double[] o = old == null ? null : Float64.heapDoubles(old);
        double keep = o == null ? 0 : epsilon;
        double take = 1 - keep;
        double[] out = new double[r * c];
        if (!symmetrize) {
            for (int i = 0; i < out.length; i++) out[i] = keep * o[i] + take * f[i];
            return Float64.wrap(out, r, c);
        }
        final int tile = 64;
        for (int i0 = 0; i0 < r; i0 += tile) {
            for (int j0 = i0; j0 < c; j0 += tile) {
                for (int i = i0; i < Math.min(i0 + tile, r); i++) {
                    for (int j = Math.max(j0, i); j < Math.min(j0 + tile, c); j++) {
                        double b = 0.5 * (f[i * c + j] + f[j * c + i]);
                        double v = o == null ? b : keep * 0.5 * (o[i * c + j] + o[j * c + i]) + take * b;
                        out[i * c + j] = v;
                        out[j * c + i] = v;
                    }
                }
            }
        }
        return Float64.wrap(out, r, c);
    }
}
