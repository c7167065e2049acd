package org.panopt.optim.kfac;

/**
 * The Levenberg–Marquardt rule for K-FAC's damping λ (Martens &amp; Grosse 2015, arXiv §6.5; Moré 1978;
 * {@code spec/kfac.md} §4.4): with the reduction ratio
 * <pre>
 *   ρ = [h(θ + δ) − h(θ)] / [M(δ) − M(0)],
 * </pre>
 * λ ← ω₁λ when ρ &gt; 3/4 (the model predicts well: trust it more), λ ← λ/ω₁ when ρ &lt; 1/4, unchanged
 * otherwise; then clipped to [λ_min, λ_max]. A NaN ρ — a non-finite loss at the proposal, or a model that
 * predicted no reduction — raises λ: when in doubt, shrink the trust region.
 */
public final class LevenbergMarquardt {
    private LevenbergMarquardt() {}

    /** ρ from the actual and predicted changes; NaN when the prediction is not negative (no reduction predicted). */
    public static double ratio(double actualChange, double predictedChange) {
        if (!(predictedChange < 0)) return Double.NaN;
        return actualChange / predictedChange;
    }

    /** The new λ. */
    public static double adjust(double lambda, double rho, double omega1, double lowRho, double highRho, double minLambda, double maxLambda) {
        double next;
        if (Double.isNaN(rho) || rho < lowRho) next = lambda / omega1;
        else if (rho > highRho) next = lambda * omega1;
        else next = lambda;
        return Math.min(maxLambda, Math.max(minLambda, next));
    }
}
