package org.panopt.optim.kfac;

import org.panopt.optim.OptState;
import org.panopt.tensor.Tensor;

/**
 * One layer's cached approximate-Fisher inverse for a damping strength γ (float64), recomputed at the
 * inverse-refresh iterations ({@code spec/kfac.md} §4.2, §7).
 *
 * <p>Block-diagonal, and the last layer of the block-tridiagonal version: {@code outputInverse} (G + (γ/π)I)⁻¹
 * and {@code inputInverse} (Ā + πγI)⁻¹, applied as U = G_d⁻¹ V Ā_d⁻¹.
 *
 * <p>Block-tridiagonal layers i &lt; ℓ additionally hold the chain coefficients Ψ^Ā_{i−1,i} = Ā_{i−1,i}Ā_{i,i,d}⁻¹
 * ({@code inputCoupling}) and Ψ^G_{i,i+1} = G_{i,i+1}G_{i+1,i+1,d}⁻¹ ({@code outputCoupling}) and Σ_{i|i+1}⁻¹ in
 * its generalized eigen form: bases K₁ ({@code inputBasis}), K₂ ({@code outputBasis}) and spectra s₁, s₂
 * ({@code inputSpectrum}, {@code outputSpectrum}, vectors), so that Σ⁻¹vec(V) = vec(K₂[(K₂ᵀVK₁) ⊘ (𝟙𝟙ᵀ − s₂s₁ᵀ)]K₁ᵀ).
 * Components a variant does not use are null.
 *
 * @param pi    π_i of the factored damping
 * @param gamma the γ these inverses were computed for
 */
public record LayerInverse(double pi, double gamma, Tensor inputInverse, Tensor outputInverse,
                           Tensor inputCoupling, Tensor outputCoupling,
                           Tensor inputBasis, Tensor outputBasis, Tensor inputSpectrum, Tensor outputSpectrum,
                           boolean eigenFallback) implements OptState {

    /** This inverse with its tensors converted to {@code dtype} (for applying it to tensors of that dtype). */
    LayerInverse to(org.panopt.tensor.DType dtype) {
        return new LayerInverse(pi, gamma, cast(inputInverse, dtype), cast(outputInverse, dtype), cast(inputCoupling, dtype), cast(outputCoupling, dtype),
                cast(inputBasis, dtype), cast(outputBasis, dtype), cast(inputSpectrum, dtype), cast(outputSpectrum, dtype), eigenFallback);
    }

    private static Tensor cast(Tensor t, org.panopt.tensor.DType dtype) {
        return t == null ? null : t.to(dtype);
    }

    static LayerInverse blockDiagonal(double pi, double gamma, Tensor inputInverse, Tensor outputInverse, boolean eigenFallback) {
        return new LayerInverse(pi, gamma, inputInverse, outputInverse, null, null, null, null, null, null, eigenFallback);
    }
}
