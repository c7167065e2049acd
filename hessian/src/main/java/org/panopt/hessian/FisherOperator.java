package org.panopt.hessian;

import java.util.SplittableRandom;
import org.panopt.tensor.Tensor;

/**
 * The true Fisher information of the model's predictive distribution, at the scale of the reduced loss
 * L = (1/D) Σₙ ℓₙ (D from {@link org.panopt.nn.loss.Loss#caseDivisor}):
 * <pre>
 *   F = (1/D) Σₙ E_{ŷ ~ R(y|zₙ)} [ ∇_θ ℓₙ(ŷ) ∇_θ ℓₙ(ŷ)ᵀ ] = (1/D) Σₙ Jₙᵀ F_R(zₙ) Jₙ
 * </pre>
 * The targets ŷ are drawn from the model, never the data (that is the empirical Fisher,
 * {@link EmpiricalFisherOperator}).
 * <ul>
 * <li>{@link #analytic}: the expectation in closed form, F_R = E[∇_z ℓ ∇_z ℓᵀ] = ∇²_z ℓ for these
 *     canonical-link losses — so this is computed exactly as the Gauss–Newton matrix, and equals it.</li>
 * <li>{@link #monteCarlo}: S sampled target sets, F ≈ (1/D) Σₙ (1/S) Σ_s gₙₛ gₙₛᵀ with
 *     gₙₛ = ∇_θ ℓₙ(ŷₙₛ) — what K-FAC estimates. Each product draws the same S target sets (the generator is
 *     re-seeded per call), so the operator is one fixed, symmetric, rank ≤ N·S matrix at given weights.
 *     A product costs one J·v and one Jᵀ·w whatever S: per case, gₙₛgₙₛᵀv = Jₙᵀ rₙₛ (rₙₛ·(Jv)ₙ).</li>
 * </ul>
 */
public final class FisherOperator extends OutputSpaceCurvature {
    private final int samples;
    private final long seed;

    private FisherOperator(BatchLoss loss, int samples, long seed) {
        super(loss);
        this.samples = samples;
        this.seed = seed;
    }

    /** The exact expectation over the model's predictive distribution (= the GGN for these losses). */
    public static FisherOperator analytic(BatchLoss loss) {
        return new FisherOperator(loss, 0, 0);
    }

    /** {@code samples} model-sampled target sets drawn from a generator seeded with {@code seed}. */
    public static FisherOperator monteCarlo(BatchLoss loss, int samples, long seed) {
        if (samples <= 0) throw new IllegalArgumentException("FisherOperator.monteCarlo: samples " + samples + " must be positive");
        return new FisherOperator(loss, samples, seed);
    }

    /** The number of sampled target sets; 0 for the analytic Fisher. */
    public int samples() {
        return samples;
    }

    @Override
    protected Tensor outputProduct(Tensor output, Tensor u) {
        if (samples == 0) return loss.loss().outputHessianVectorProduct(output, u);
        double d = loss.loss().caseDivisor(output);
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor sum = null;
        for (int s = 0; s < samples; s++) {
            // g = ∂L/∂z = ∇_z ℓₙ / D per case, so (1/D) rₙ(rₙ·uₙ) with rₙ = D·gₙ is D·gₙ(gₙ·uₙ).
            Tensor g = outputGradient(output, loss.loss().sample(output, rng));
            Tensor term = g.mul(perCaseDot(g, u));
            sum = sum == null ? term : sum.add(term);
        }
        return sum.mul(d / samples);
    }
}
