package org.panopt.optim.kfac;

/**
 * The step scalars of K-FAC from the exact-Fisher quadratic model (Martens &amp; Grosse 2015, arXiv §6.4 and
 * §7; {@code spec/kfac.md} §4.3, §5):
 * <pre>
 *   M(δ) = h(θ) + ∇hᵀδ + ½ δᵀ(F + b I)δ,   b = λ + η,   δ = αΔ + μδ₀,
 *
 *   [α*]     [ ΔᵀFΔ + b‖Δ‖²      ΔᵀFδ₀ + bΔᵀδ₀  ]⁻¹ [ ∇hᵀΔ  ]
 *   [μ*] = − [ ΔᵀFδ₀ + bΔᵀδ₀     δ₀ᵀFδ₀ + b‖δ₀‖² ]    [ ∇hᵀδ₀ ]
 * </pre>
 * At the minimizer M(δ*) − M(0) = ½(α*∇hᵀΔ + μ*∇hᵀδ₀) = ½∇hᵀδ*, which is what {@link Coefficients#predictedChange}
 * returns. Degenerate cases fall back to the one-dimensional re-scaling α* = −∇hᵀΔ/(ΔᵀFΔ + b‖Δ‖²), μ = 0,
 * as tensorflow/kfac and kfac-jax do: no momentum asked for, δ₀ = 0 (the first step), ∇hᵀδ₀ = 0 and
 * Fδ₀ = 0 terms, or a 2×2 matrix that is singular or not positive definite (relative determinant below
 * 1e-12). A zero proposal gives α = μ = 0.
 */
public final class QuadraticModel {
    private QuadraticModel() {}

    /** Relative determinant below which the 2×2 system counts as singular. */
    static final double SINGULAR = 1e-12;

    /**
     * The inner products the model needs; F is the exact Fisher (on the subset S₂), g = ∇h.
     *
     * @param fDD ΔᵀFΔ
     * @param fDV ΔᵀFδ₀
     * @param fVV δ₀ᵀFδ₀
     * @param dD  ‖Δ‖²
     * @param dV  Δᵀδ₀
     * @param vV  ‖δ₀‖²
     * @param gD  ∇hᵀΔ
     * @param gV  ∇hᵀδ₀
     */
    public record Products(double fDD, double fDV, double fVV, double dD, double dV, double vV, double gD, double gV) {}

    /**
     * α*, μ* and the predicted change M(δ*) − M(0) = ½∇hᵀδ* of the b-damped model.
     *
     * @param momentum whether μ was solved for (false: the 1-D fallback was used)
     */
    public record Coefficients(double alpha, double mu, double predictedChange, boolean momentum) {}

    /** The minimizer of M over (α, μ) (or over α alone when {@code useMomentum} is false). */
    public static Coefficients solve(Products p, double b, boolean useMomentum) {
        if (!(b >= 0) || !Double.isFinite(b)) throw new IllegalArgumentException("QuadraticModel: damping b = λ + η = " + b + " must be finite and ≥ 0");
        double m11 = p.fDD() + b * p.dD();
        if (useMomentum && p.vV() > 0 && p.gV() != 0) {
            double m12 = p.fDV() + b * p.dV();
            double m22 = p.fVV() + b * p.vV();
            double det = m11 * m22 - m12 * m12;
            if (m11 > 0 && m22 > 0 && det > SINGULAR * m11 * m22 && Double.isFinite(det)) {
                double alpha = -(m22 * p.gD() - m12 * p.gV()) / det;
                double mu = -(-m12 * p.gD() + m11 * p.gV()) / det;
                return new Coefficients(alpha, mu, 0.5 * (alpha * p.gD() + mu * p.gV()), true);
            }
        }
        if (!(m11 > 0) || !Double.isFinite(m11)) return new Coefficients(0, 0, 0, false);
        double alpha = -p.gD() / m11;
        return new Coefficients(alpha, 0, 0.5 * alpha * p.gD(), false);
    }

    /** M(δ) − M(0) for δ = αΔ + μδ₀, evaluated directly (for checks and for ρ without λ). */
    public static double change(Products p, double b, double alpha, double mu) {
        double grad = alpha * p.gD() + mu * p.gV();
        double curv = alpha * alpha * (p.fDD() + b * p.dD()) + 2 * alpha * mu * (p.fDV() + b * p.dV()) + mu * mu * (p.fVV() + b * p.vV());
        return grad + 0.5 * curv;
    }
}
