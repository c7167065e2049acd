package org.panopt.hessian.spectrum;

/**
 * Approximate eigenpairs A·xᵢ ≈ λᵢ·xᵢ in descending order of λ, each with the norm of its residual
 * ‖A xᵢ − λᵢ xᵢ‖ (unit xᵢ), so a caller can see how far each pair is from exact.
 *
 * @param values     λ₁ ≥ λ₂ ≥ …
 * @param vectors    vectors[i] is the unit eigenvector of values[i] (null when not computed)
 * @param residuals  ‖A xᵢ − λᵢ xᵢ‖, or its Lanczos estimate β_m·|s_{m,i}|
 * @param iterations operator products spent
 * @param converged  whether every residual met the requested tolerance
 */
public record EigenPairs(double[] values, double[][] vectors, double[] residuals, int iterations, boolean converged) {
    /** The number of pairs. */
    public int count() {
        return values.length;
    }

    /** λ₁, the largest. */
    public double largest() {
        return values[0];
    }

    /** The smallest λ returned. */
    public double smallest() {
        return values[values.length - 1];
    }
}
