package org.panopt.optim.kfac;

import org.panopt.optim.Hyper;
import org.panopt.optim.HyperParams;

/**
 * The constants of adaptive K-FAC, checked. Defaults are the paper's (Martens &amp; Grosse 2015; {@code
 * spec/kfac.md} §6.1); each is a hyper-parameter of {@link Kfac} by the name in brackets.
 *
 * @param initialLambda  λ₀ [{@code lambda}], the Levenberg–Marquardt damping at the start: 150
 * @param l2             η [{@code l2}], the ℓ2 coefficient: (η/2)‖θ‖² is part of h and ηθ of ∇h, on every curved parameter: 1e-5
 * @param initialGamma   γ₀ [{@code gamma}], the factored-Tikhonov strength at the start: √(λ₀ + η)
 * @param lambdaInterval T₁ [{@code lambda_interval}]: λ is adapted every T₁ iterations: 5
 * @param gammaInterval  T₂ [{@code gamma_interval}]: γ candidates are tried every T₂ iterations: 20
 * @param inverseInterval T₃ [{@code inverse_interval}]: approximate inverses are recomputed every T₃ iterations: 20
 * @param earlyRefresh   [{@code early_refresh}]: … and at every iteration k ≤ this: 3
 * @param lambdaDecay    ω₁ [{@code lambda_decay}]: λ ← ω₁λ or λ/ω₁: (19/20)^{T₁} ≈ 0.7738
 * @param gammaDecay     ω₂ [{@code gamma_decay}]: candidates {γ, ω₂γ, γ/ω₂}: (√(19/20))^{T₂} ≈ 0.5987
 * @param rhoLow         [{@code rho_low}]: ρ below this raises λ: 1/4
 * @param rhoHigh        [{@code rho_high}]: ρ above this lowers λ: 3/4
 * @param minLambda      [{@code min_lambda}]: λ is clipped below here (not in the paper; kfac-jax's default): 1e-8
 * @param maxLambda      [{@code max_lambda}]: and above here: 1e8
 * @param minGamma       [{@code min_gamma}]: γ is clipped below here (spec §4.5, a safeguard): 1e-8
 * @param maxGamma       [{@code max_gamma}]: and above here: 1e8
 * @param maxStatisticsDecay ε_max [{@code stats_decay}]: ε_k = min(1 − 1/k, ε_max): 0.95
 * @param statisticsFraction τ₁ [{@code stats_fraction}]: |S₁| = τ₁m cases feed the factor statistics: 1/8
 * @param fisherFraction τ₂ [{@code fisher_fraction}]: |S₂| = τ₂m cases feed the exact-Fisher products: 1/4
 * @param momentum       [{@code momentum}]: solve for μ in the 2-D quadratic model (else μ = 0): true
 * @param tridiagonal    [{@code tridiagonal}]: block-tridiagonal F̂⁻¹ instead of block-diagonal F̆⁻¹: false
 * @param rhoWithLambda  [{@code rho_with_lambda}]: ρ's denominator is the λ-damped model M(δ)−M(0) (else the
 *                       λ-free model with η, as tensorflow/kfac and kfac-jax): false
 * @param empiricalFisher [{@code empirical_fisher}]: G from the data labels instead of model samples: false
 * @param reductionEveryStep [{@code reduction_every_step}]: evaluate h(θ+δ) (and ρ) at every step for the
 *                       report, not only at the λ-adaptation steps (costs a forward pass each step): false
 * @param seed           [{@code seed}]: seeds the subsets S₁, S₂ and the sampled targets: 0
 */
public record KfacConfig(double initialLambda, double l2, double initialGamma,
                         int lambdaInterval, int gammaInterval, int inverseInterval, int earlyRefresh,
                         double lambdaDecay, double gammaDecay, double rhoLow, double rhoHigh,
                         double minLambda, double maxLambda, double minGamma, double maxGamma,
                         double maxStatisticsDecay, double statisticsFraction, double fisherFraction,
                         boolean momentum, boolean tridiagonal, boolean rhoWithLambda, boolean empiricalFisher,
                         boolean reductionEveryStep, long seed) {

    public KfacConfig {
        Hyper.positive("lambda", initialLambda);
        Hyper.nonNegative("l2", l2);
        Hyper.positive("gamma", initialGamma);
        checkInterval("lambda_interval", lambdaInterval);
        checkInterval("gamma_interval", gammaInterval);
        checkInterval("inverse_interval", inverseInterval);
        if (earlyRefresh < 0) throw new IllegalArgumentException("Invalid early_refresh value: " + earlyRefresh + " (must be >= 0)");
        openUnit("lambda_decay", lambdaDecay);
        openUnit("gamma_decay", gammaDecay);
        if (!(rhoLow <= rhoHigh) || !Double.isFinite(rhoLow) || !Double.isFinite(rhoHigh)) {
            throw new IllegalArgumentException("Invalid rho_low/rho_high values: " + rhoLow + ", " + rhoHigh + " (must be finite with rho_low <= rho_high)");
        }
        Hyper.positive("min_lambda", minLambda);
        if (!(maxLambda >= minLambda)) throw new IllegalArgumentException("Invalid max_lambda value: " + maxLambda + " (must be >= min_lambda " + minLambda + ")");
        Hyper.positive("min_gamma", minGamma);
        if (!(maxGamma >= minGamma)) throw new IllegalArgumentException("Invalid max_gamma value: " + maxGamma + " (must be >= min_gamma " + minGamma + ")");
        Hyper.unitInterval("stats_decay", maxStatisticsDecay);
        fraction("stats_fraction", statisticsFraction);
        fraction("fisher_fraction", fisherFraction);
    }

    /** The paper's constants. */
    public static KfacConfig paper() {
        return from(Kfac.builder().hyperParams());
    }

    /** The configuration named by a complete set of {@link Kfac} hyper-parameters. */
    static KfacConfig from(HyperParams h) {
        double lambda = h.get("lambda");
        double l2 = h.get("l2");
        double gamma = h.get("gamma");
        return new KfacConfig(lambda, l2, gamma, integer(h, "lambda_interval"), integer(h, "gamma_interval"), integer(h, "inverse_interval"),
                integer(h, "early_refresh"), h.get("lambda_decay"), h.get("gamma_decay"), h.get("rho_low"), h.get("rho_high"),
                h.get("min_lambda"), h.get("max_lambda"), h.get("min_gamma"), h.get("max_gamma"), h.get("stats_decay"),
                h.get("stats_fraction"), h.get("fisher_fraction"), h.flag("momentum"), h.flag("tridiagonal"), h.flag("rho_with_lambda"),
                h.flag("empirical_fisher"), h.flag("reduction_every_step"), (long) h.get("seed"));
    }

    static int integer(HyperParams h, String name) {
        double v = h.get(name);
        if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) throw new IllegalArgumentException("Invalid " + name + " value: " + v + " (must be an integer)");
        return (int) v;
    }

    private static void checkInterval(String name, int v) {
        if (v < 1) throw new IllegalArgumentException("Invalid " + name + " value: " + v + " (must be >= 1)");
    }

    private static void openUnit(String name, double v) {
        if (!(v > 0 && v < 1)) throw new IllegalArgumentException("Invalid " + name + " value: " + v + " (must be in (0, 1))");
    }

    static void fraction(String name, double v) {
        if (!(v > 0 && v <= 1)) throw new IllegalArgumentException("Invalid " + name + " value: " + v + " (must be in (0, 1])");
    }
}
