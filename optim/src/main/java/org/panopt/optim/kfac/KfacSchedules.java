package org.panopt.optim.kfac;

/**
 * The fixed schedules of K-FAC (Martens &amp; Grosse 2015; {@code spec/kfac.md} §3.5, §4.4–4.5, §6.1–6.3).
 * <ul>
 * <li>Statistics decay ε_k = min(1 − 1/k, ε_max), k = 1, 2, … (ε_max = 0.95): for k ≤ 1/(1 − ε_max) = 20 the
 *     decayed average X_k = ε_k X_{k−1} + (1 − ε_k) X^batch_k is exactly the running mean of the k batch
 *     estimates; afterwards an exponential moving average with a window of about 20 batches.</li>
 * <li>λ multiplier ω₁ = (19/20)^{T₁} ≈ 0.7738 for T₁ = 5; γ multiplier ω₂ = (√(19/20))^{T₂} ≈ 0.5987 for
 *     T₂ = 20: both are the per-iteration rate 19/20 (resp. its square root) compounded over the interval.</li>
 * <li>Inverse refresh: at every k ≤ 3 and at every k ≡ 0 (mod T₃).</li>
 * </ul>
 */
public final class KfacSchedules {
    private KfacSchedules() {}

    /** The paper's per-iteration rate 19/20 from which ω₁ and ω₂ are compounded. */
    public static final double BASE_RATE = 19.0 / 20.0;

    /** ε_k = min(1 − 1/k, maxDecay) for the 1-based iteration k. */
    public static double statisticsDecay(long k, double maxDecay) {
        if (k < 1) throw new IllegalArgumentException("statisticsDecay: iteration k = " + k + " must be ≥ 1 (1-based)");
        if (!(maxDecay >= 0 && maxDecay < 1)) throw new IllegalArgumentException("statisticsDecay: maxDecay = " + maxDecay + " must lie in [0, 1)");
        return Math.min(1 - 1.0 / k, maxDecay);
    }

    /** ω₁ = (19/20)^{T₁}, the factor by which λ shrinks (or, inverted, grows) every T₁ iterations. */
    public static double lambdaMultiplier(int t1) {
        if (t1 < 1) throw new IllegalArgumentException("lambdaMultiplier: T1 = " + t1 + " must be ≥ 1");
        return Math.pow(BASE_RATE, t1);
    }

    /** ω₂ = (√(19/20))^{T₂}, the spacing of the γ candidates {γ, ω₂γ, γ/ω₂} tried every T₂ iterations. */
    public static double gammaMultiplier(int t2) {
        if (t2 < 1) throw new IllegalArgumentException("gammaMultiplier: T2 = " + t2 + " must be ≥ 1");
        return Math.pow(Math.sqrt(BASE_RATE), t2);
    }

    /** Whether the approximate inverse is recomputed at iteration k: k ≤ earlySteps or k ≡ 0 (mod T₃). */
    public static boolean refreshesInverse(long k, int t3, int earlySteps) {
        if (t3 < 1) throw new IllegalArgumentException("refreshesInverse: T3 = " + t3 + " must be ≥ 1");
        return k <= earlySteps || k % t3 == 0;
    }

    /** Whether iteration k is one where the periodic rule with interval t runs (k ≡ 0 mod t). */
    public static boolean every(long k, int t) {
        return k % t == 0;
    }
}
