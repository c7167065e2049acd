package org.panopt.optim.kfac;

import java.util.ArrayList;
import java.util.List;
import org.panopt.tensor.Tensor;

/**
 * The block-tridiagonal K-FAC inverse F̂⁻¹ = ΞᵀΛΞ (Martens &amp; Grosse 2015, §3.3; {@code spec/kfac.md}
 * §2.3, §7). F̂ agrees with F̃ = [Ā_{i−1,j−1} ⊗ G_{i,j}] on the diagonal and first off-diagonal blocks and
 * has a block-tridiagonal inverse: the precision of the Gaussian chain vec(DW_ℓ) ~ N(0, Σ_ℓ),
 * vec(DW_i) | vec(DW_{i+1}) ~ N(Ψ_{i,i+1} vec(DW_{i+1}), Σ_{i|i+1}), with
 * <pre>
 *   Ψ_{i,i+1} = Ψ^Ā_{i−1,i} ⊗ Ψ^G_{i,i+1},  Ψ^Ā_{i−1,i} = Ā_{i−1,i} Ā_{i,i}⁻¹,  Ψ^G_{i,i+1} = G_{i,i+1} G_{i+1,i+1}⁻¹,
 *   Σ_{i|i+1} = Ā_{i−1,i−1}⊗G_{i,i} − (Ψ^Ā Ā_{i,i} Ψ^Āᵀ) ⊗ (Ψ^G G_{i+1,i+1} Ψ^Gᵀ),   Σ_ℓ = Ā_{ℓ−1,ℓ−1}⊗G_{ℓ,ℓ},
 *   Λ = diag(Σ_{1|2}⁻¹, …, Σ_{ℓ−1|ℓ}⁻¹, Σ_ℓ⁻¹),   Ξ = I with −Ψ_{i,i+1} in block (i, i+1).
 * </pre>
 * Damping: the diagonal factors are replaced by their factored-Tikhonov damped versions Ā_{i−1,i−1} + π_iγI
 * and G_{i,i} + (γ/π_i)I throughout (in Ψ and Σ); the cross factors stay undamped (spec §4.2). Σ_{i|i+1}⁻¹ is
 * applied through {@link KroneckerSumInverse} (generalized eigen-decompositions).
 *
 * <p>Applying u = F̂⁻¹v to layer matrices (spec §7.2): R = Ξv, R_i = V_i − Ψ^G_{i,i+1} V_{i+1} Ψ^Āᵀ_{i−1,i};
 * Y = ΛR; U = ΞᵀY, U_i = Y_i − Ψ^Gᵀ_{i−1,i} Y_{i−1} Ψ^Ā_{i−2,i−1}.
 */
public final class BlockTridiagonalInverse {
    private BlockTridiagonalInverse() {}

    /** Chain coefficients and conditional-covariance inverses of every layer for damping strength γ. */
    public static List<LayerInverse> build(List<KroneckerFactors> factors, double gamma) {
        BlockDiagonalInverse.checkGamma(gamma);
        int l = factors.size();
        List<LayerInverse> diagonal = BlockDiagonalInverse.build(factors, gamma);
        LayerInverse[] out = new LayerInverse[l];
        ByCost.forEach(l, i -> BlockDiagonalInverse.cost(factors.get(i)), i -> out[i] = pair(factors, diagonal, i, gamma));
        return List.of(out);
    }

    // Layer i's chain coefficients and Σ_{i|i+1}⁻¹ (the last layer: its block-diagonal inverse).
    private static LayerInverse pair(List<KroneckerFactors> factors, List<LayerInverse> diagonal, int i, double gamma) {
        int l = factors.size();
        LayerInverse d = diagonal.get(i);
        if (i == l - 1) return d;
        KroneckerFactors f = factors.get(i);
        if (f.inputCross() == null || f.outputCross() == null) {
            throw new IllegalStateException("K-FAC block-tridiagonal: layer " + i + " has no cross-moment estimates with layer " + (i + 1));
        }
        LayerInverse next = diagonal.get(i + 1);
        Tensor psiA = f.inputCross().matmul(next.inputInverse());
        Tensor psiG = f.outputCross().matmul(next.outputInverse());
        Tensor c = DenseSymmetric.symmetrize(psiA.matmul(f.inputCross(), false, true));
        Tensor dd = DenseSymmetric.symmetrize(psiG.matmul(f.outputCross(), false, true));
        Tensor aDamped = damped(f.input(), d.pi() * gamma);
        Tensor gDamped = damped(f.output(), gamma / d.pi());
        KroneckerSumInverse sigma = KroneckerSumInverse.of(aDamped, gDamped, c, dd, -1);
        return new LayerInverse(d.pi(), gamma, d.inputInverse(), d.outputInverse(), psiA, psiG,
                sigma.inputBasis(), sigma.outputBasis(), sigma.inputSpectrum(), sigma.outputSpectrum(), d.eigenFallback());
    }

    /** F̂⁻¹ applied to the layer matrices v. */
    public static List<Tensor> apply(List<LayerInverse> inv, List<Tensor> v) {
        BlockDiagonalInverse.checkSizes(inv, v);
        int l = v.size();
        List<Tensor> y = new ArrayList<>(l);
        for (int i = 0; i < l; i++) {
            LayerInverse li = inv.get(i);
            if (i == l - 1) {
                y.add(BlockDiagonalInverse.applyLayer(li, v.get(i)));
            } else {
                Tensor r = v.get(i).sub(li.outputCoupling().matmul(v.get(i + 1)).matmul(li.inputCoupling(), false, true));
                y.add(KroneckerSumInverse.apply(li.inputBasis(), li.inputSpectrum(), li.outputBasis(), li.outputSpectrum(), -1, r));
            }
        }
        List<Tensor> u = new ArrayList<>(l);
        for (int i = 0; i < l; i++) {
            if (i == 0) {
                u.add(y.get(0));
            } else {
                LayerInverse prev = inv.get(i - 1);
                u.add(y.get(i).sub(prev.outputCoupling().matmul(y.get(i - 1), true, false).matmul(prev.inputCoupling())));
            }
        }
        return u;
    }

    private static Tensor damped(Tensor x, double d) {
        return x.add(DenseSymmetric.identity(x.dim(0)).mul(d));
    }
}
