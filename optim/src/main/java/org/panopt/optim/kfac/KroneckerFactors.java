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

    /**
     * ε·this + (1 − ε)·(the batch factors of {@code rows}), the products computed straight into the new
     * estimates: each is a copy of the old one updated by one GEMM with β = ε, α = (1 − ε)·scale —
     * {@link SymmetricProduct} for Ā and G (half the multiply-adds, exactly symmetric), a full product for the
     * cross moments with {@code next} (the next layer's rows; null: no cross moments). The first estimate (this
     * empty) is the batch itself whatever ε is.
     */
    KroneckerFactors decayedWith(KfacStatistics.LayerRows rows, KfacStatistics.LayerRows next, double epsilon) {
        boolean first = !estimated();
        double keep = first ? 0 : epsilon;
        double take = 1 - keep;
        Tensor a = gram(first ? null : input, rows.a(), rows.aDim(), rows.count(), take * rows.aScale(), keep);
        Tensor g = gram(first ? null : output, rows.g(), rows.gDim(), rows.count(), take * rows.gScale(), keep);
        Tensor aCross = null;
        Tensor gCross = null;
        if (next != null) {
            boolean firstCross = first || inputCross == null;
            double keepCross = firstCross ? 0 : epsilon;
            double takeCross = 1 - keepCross;
            aCross = cross(firstCross ? null : inputCross, rows.a(), rows.aDim(), next.a(), next.aDim(), rows.count(), takeCross * rows.aScale(), keepCross);
            gCross = cross(firstCross ? null : outputCross, rows.g(), rows.gDim(), next.g(), next.gDim(), rows.count(), takeCross * rows.gScale(), keepCross);
        }
        return new KroneckerFactors(a, g, aCross, gCross);
    }

    // α·XᵀX + β·old (X: count×d rows), exactly symmetric.
    private static Tensor gram(Tensor old, double[] x, int d, int count, double alpha, double beta) {
        double[] out = old == null ? new double[d * d] : Float64.heapDoubles(old).clone();
        SymmetricProduct.product(true, false, d, count, alpha, x, 0, d, x, 0, d, old == null ? 0 : beta, out, 0, d);
        return Float64.wrap(out, d, d);
    }

    // α·XᵀY + β·old (X: count×dx, Y: count×dy).
    private static Tensor cross(Tensor old, double[] x, int dx, double[] y, int dy, int count, double alpha, double beta) {
        double[] out = old == null ? new double[dx * dy] : Float64.heapDoubles(old).clone();
        org.panopt.kernels.Gemm.dgemm(true, false, dx, dy, count, alpha, x, 0, dx, y, 0, dy, old == null ? 0 : beta, out, 0, dy);
        return Float64.wrap(out, dx, dy);
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
