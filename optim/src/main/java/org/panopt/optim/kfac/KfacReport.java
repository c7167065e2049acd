package org.panopt.optim.kfac;

import org.panopt.optim.OptState;
import org.panopt.tensor.Tensor;

/**
 * What one K-FAC step did, for plots and logs (kept in the optimizer state; {@link Kfac#report} reads it).
 *
 * @param step             k, the 1-based iteration this report is about (0: none yet)
 * @param lambda           λ used by this step's quadratic model (before its own adaptation)
 * @param nextLambda       λ after this step's Levenberg–Marquardt adjustment (= lambda when none ran)
 * @param gamma            γ of the approximate inverse chosen
 * @param alpha            α* of δ = α*Δ + μ*δ₀
 * @param mu               μ* (0 without momentum, at the first step, or in a degenerate case)
 * @param rho              ρ = actual / predicted change; NaN when not evaluated this step
 * @param predictedChange  M(δ) − M(0) of the λ-damped exact-Fisher model (= ½∇hᵀδ)
 * @param rhoDenominator   the predicted change used in ρ (with or without the λ term, as configured)
 * @param actualChange     h(θ + δ) − h(θ) on the batch (ℓ2 term included); NaN when not evaluated
 * @param loss             h(θ) on the batch, ℓ2 term included
 * @param pi               π_i per curved layer {@code [ℓ]} (float64), of the inverse in use
 * @param gammaCandidates  how many γ values were tried (1 or 3)
 * @param inverseRefreshed whether the approximate inverse was recomputed
 * @param statisticsNanos  time in the statistics pass (forward on S₁, sampled backward, Ā and G)
 * @param fisherNanos      time in the exact-Fisher products and the quadratic models
 * @param inverseNanos     time computing approximate inverses
 * @param applyNanos       time applying them to the gradient
 * @param lossNanos        time evaluating h(θ + δ)
 */
public record KfacReport(long step, double lambda, double nextLambda, double gamma, double alpha, double mu, double rho,
                         double predictedChange, double rhoDenominator, double actualChange, double loss, Tensor pi,
                         int gammaCandidates, boolean inverseRefreshed,
                         long statisticsNanos, long fisherNanos, long inverseNanos, long applyNanos, long lossNanos) implements OptState {

    static final KfacReport NONE = new KfacReport(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN, Double.NaN, Double.NaN, null, 0, false, 0, 0, 0, 0, 0);

    /** The step's phase times in nanoseconds: statistics, Fisher products, inverses, applying them, the loss at the proposal. */
    public long[] phaseNanos() {
        return new long[] {statisticsNanos, fisherNanos, inverseNanos, applyNanos, lossNanos};
    }

    /** π per layer as an array (empty before the first step). */
    public double[] piValues() {
        return pi == null ? new double[0] : pi.toDoubleArray();
    }
}
