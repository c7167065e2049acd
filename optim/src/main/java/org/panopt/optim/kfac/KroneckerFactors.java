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
     * ε·this + (1 − ε)·batch, diagonal factors symmetrized; the first estimate (this empty) is the batch itself
     * whatever ε is (ε₁ = 0 anyway).
     */
    public KroneckerFactors decayedWith(KroneckerFactors batch, double epsilon) {
        if (!estimated()) {
            return new KroneckerFactors(DenseSymmetric.symmetrize(batch.input), DenseSymmetric.symmetrize(batch.output), batch.inputCross, batch.outputCross);
        }
        return new KroneckerFactors(
                DenseSymmetric.symmetrize(mix(input, batch.input, epsilon)),
                DenseSymmetric.symmetrize(mix(output, batch.output, epsilon)),
                mix(inputCross, batch.inputCross, epsilon),
                mix(outputCross, batch.outputCross, epsilon));
    }

    private static Tensor mix(Tensor old, Tensor fresh, double epsilon) {
        if (fresh == null) return null;
        if (old == null) return fresh;
        return old.mul(epsilon).add(fresh.mul(1 - epsilon));
    }
}
