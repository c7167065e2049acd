package org.panopt.optim.kfac;

/**
 * Factored Tikhonov damping of one Kronecker block (Martens &amp; Grosse 2015, arXiv §6.3; {@code spec/kfac.md}
 * §4.2). Adding γ²·I to Ā ⊗ G would break the Kronecker form, so each factor is damped instead:
 * <pre>
 *   (Ā + π γ I) ⊗ (G + (γ/π) I) = Ā⊗G + γ² I⊗I + (γ/π) Ā⊗I + π γ I⊗G.
 * </pre>
 * The first two terms are the Tikhonov target; the error (γ/π)‖Ā⊗I‖ + πγ‖I⊗G‖ (triangle bound) is minimal
 * at π² = ‖Ā⊗I‖/‖I⊗G‖. With the trace norm, ‖X⊗I_n‖ = n·tr X, which gives the ratio of average eigenvalues
 * <pre>
 *   π = √( (tr Ā / dim Ā) / (tr G / dim G) ),
 * </pre>
 * dim Ā counting the homogeneous coordinate (as tensorflow/kfac's {@code compute_pi_tracenorm}). When
 * either trace is zero or not finite, π = 1 (the undamped split), so a layer whose statistics vanish gets
 * plain γ on both factors instead of an overflow.
 */
public final class FactoredDamping {
    private FactoredDamping() {}

    /** π from the traces and dimensions of the input factor Ā and the output factor G. */
    public static double pi(double traceA, int dimA, double traceG, int dimG) {
        if (dimA < 1 || dimG < 1) throw new IllegalArgumentException("FactoredDamping.pi: dimensions " + dimA + ", " + dimG + " must be ≥ 1");
        double avgA = traceA / dimA;
        double avgG = traceG / dimG;
        if (!(avgA > 0) || !(avgG > 0) || !Double.isFinite(avgA) || !Double.isFinite(avgG)) return 1;
        double pi = Math.sqrt(avgA / avgG);
        return Double.isFinite(pi) && pi > 0 ? pi : 1;
    }

    /**
     * The triangle bound of the factored-damping error in the trace norm,
     * (γ/π)·‖Ā⊗I_G‖_* + πγ·‖I_A⊗G‖_* = (γ/π)·dimG·trĀ + πγ·dimA·trG — the quantity {@link #pi} minimizes.
     */
    public static double errorBound(double pi, double gamma, double traceA, int dimA, double traceG, int dimG) {
        return gamma / pi * dimG * traceA + pi * gamma * dimA * traceG;
    }
}
