package org.panopt.optim.kfac;

import org.panopt.tensor.Tensor;

/**
 * The inverse of a sum or difference of two Kronecker products, A⊗B ± C⊗D with A, B ≻ 0 and C, D ⪰ 0
 * (Martens &amp; Grosse 2015, arXiv App. B; {@code spec/kfac.md} §7.3), applied in matrix form.
 *
 * <p>With the generalized eigen-bases C K₁ = A K₁ diag(s₁), K₁ᵀAK₁ = I and D K₂ = B K₂ diag(s₂), K₂ᵀBK₂ = I,
 * <pre>
 *   A⊗B ± C⊗D = (K₁⁻ᵀ⊗K₂⁻ᵀ)(I⊗I ± S₁⊗S₂)(K₁⁻¹⊗K₂⁻¹),
 *   (A⊗B ± C⊗D)⁻¹ vec(V) = vec( K₂ [ (K₂ᵀ V K₁) ⊘ (𝟙𝟙ᵀ ± s₂ s₁ᵀ) ] K₁ᵀ ),
 * </pre>
 * vec stacking columns and V of shape {@code [dim B, dim A]} (the paper's layer-matrix orientation:
 * (A⊗B)vec(V) = vec(BVAᵀ)). The difference is K-FAC's conditional covariance Σ_{i|i+1} = Ā⊗G − C⊗D, whose
 * denominators 1 − s₂s₁ᵀ are positive in exact arithmetic; they are floored at {@link #MIN_DENOMINATOR} so
 * that noisy estimates with tiny damping cannot divide by zero or flip sign.
 *
 * @param inputBasis     K₁ {@code [dim A, dim A]}
 * @param inputSpectrum  s₁ {@code [dim A]}
 * @param outputBasis    K₂ {@code [dim B, dim B]}
 * @param outputSpectrum s₂ {@code [dim B]}
 * @param sign           +1 for A⊗B + C⊗D, −1 for A⊗B − C⊗D
 */
public record KroneckerSumInverse(Tensor inputBasis, Tensor inputSpectrum, Tensor outputBasis, Tensor outputSpectrum, int sign) {

    /** The floor on the elementwise denominators 1 ± s₂s₁ᵀ. */
    public static final double MIN_DENOMINATOR = 1e-6;

    /** The inverse of A⊗B + sign·C⊗D. */
    public static KroneckerSumInverse of(Tensor a, Tensor b, Tensor c, Tensor d, int sign) {
        if (sign != 1 && sign != -1) throw new IllegalArgumentException("KroneckerSumInverse: sign " + sign + " must be +1 or −1");
        DenseSymmetric.GeneralizedEigen e1 = DenseSymmetric.generalizedEigen(a, c);
        DenseSymmetric.GeneralizedEigen e2 = DenseSymmetric.generalizedEigen(b, d);
        return new KroneckerSumInverse(e1.basis(), Tensor.of(e1.values()), e2.basis(), Tensor.of(e2.values()), sign);
    }

    /** (A⊗B ± C⊗D)⁻¹ applied to V {@code [dim B, dim A]}. */
    public Tensor apply(Tensor v) {
        return apply(inputBasis, inputSpectrum, outputBasis, outputSpectrum, sign, v);
    }

    static Tensor apply(Tensor k1, Tensor s1, Tensor k2, Tensor s2, int sign, Tensor v) {
        Tensor inner = k2.matmul(v, true, false).matmul(k1);
        Tensor denominators = s2.reshape(s2.size(), 1).matmul(s1.reshape(1, s1.size())).mul(sign).add(1).max(MIN_DENOMINATOR);
        return k2.matmul(inner.div(denominators)).matmul(k1, false, true);
    }
}
