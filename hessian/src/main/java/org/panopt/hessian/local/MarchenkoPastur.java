package org.panopt.hessian.local;

import java.util.Arrays;

/**
 * The Marchenko–Pastur law for the spectrum of the local input Hessian H_z = W_bᵀW_b of a fully
 * connected block with i.i.d. zero-mean weights (Zhang, Chen &amp; Liu 2018, eqs. 10–11;
 * {@code spec/local-hessian.md} A.5), as n_b, n_{b−1} → ∞ with c = n_b/n_{b−1}:
 * <pre>
 *   μ = (1 − c)·δ₀ + ρ   (0 &lt; c ≤ 1),      μ = ρ   (c &gt; 1)
 *   dρ(λ) = c / (2π σ² λ) · √((c₊ − λ)(λ − c₋)) · 1[c₋ ≤ λ ≤ c₊] dλ,   c± = σ² (1 ± √c)² / c
 * </pre>
 * ρ has mass min(c, 1) and μ has mean σ². σ² is n_b times the entry variance: entries N(0, s²) give
 * σ² = n_b·s² (the printed end points are exact for Var(Wᵢⱼ) = σ²/n_b). With batch normalization after
 * the linear map (eq. 19) the rows are effectively normalized and σ² = c: {@link #withBatchNorm}.
 *
 * @param c      n_b / n_{b−1}
 * @param sigma2 σ², the mean eigenvalue
 */
public record MarchenkoPastur(double c, double sigma2) {
    private static final int QUADRATURE_INTERVALS = 2000;

    public MarchenkoPastur {
        if (!(c > 0) || !Double.isFinite(c)) throw new IllegalArgumentException("MarchenkoPastur: ratio c " + c + " must be positive");
        if (!(sigma2 > 0) || !Double.isFinite(sigma2)) throw new IllegalArgumentException("MarchenkoPastur: σ² " + sigma2 + " must be positive");
    }

    /** For H_z of an n_b × n_{b−1} weight with i.i.d. entries of variance {@code entryVariance}. */
    public static MarchenkoPastur forWeights(int outputs, int inputs, double entryVariance) {
        return new MarchenkoPastur((double) outputs / inputs, outputs * entryVariance);
    }

    /** Eq. (19): the BN-normalized H_z = Σᵢ wᵢwᵢᵀ/‖wᵢ‖², i.e. σ² = c. */
    public static MarchenkoPastur withBatchNorm(double c) {
        return new MarchenkoPastur(c, c);
    }

    /** c₋ = σ²(1 − √c)²/c, the lower end of the continuous part. */
    public double lower() {
        return sigma2 * Math.pow(1 - Math.sqrt(c), 2) / c;
    }

    /** c₊ = σ²(1 + √c)²/c, the upper end. */
    public double upper() {
        return sigma2 * Math.pow(1 + Math.sqrt(c), 2) / c;
    }

    /** The atom at zero, 1 − c for c &lt; 1 (rank deficiency), else 0. */
    public double zeroMass() {
        return c < 1 ? 1 - c : 0;
    }

    /** The mean eigenvalue, σ². */
    public double mean() {
        return sigma2;
    }

    /** ((1 + √c)/(1 − √c))²: the condition number of the non-zero part, c₊/c₋ (infinite at c = 1). */
    public double conditionNumber() {
        return upper() / lower();
    }

    /** The density of the continuous part ρ at λ (the atom at zero excluded). */
    public double density(double lambda) {
        double lo = lower();
        double hi = upper();
        if (lambda <= lo || lambda >= hi || lambda <= 0) return 0;
        return c / (2 * Math.PI * sigma2 * lambda) * Math.sqrt((hi - lambda) * (lambda - lo));
    }

    /**
     * μ((−∞, x]): the atom (for x ≥ 0) plus ρ([c₋, x]), integrated with λ = m − r cos θ (m, r the centre
     * and half-width of the support), which turns the square-root end points into a smooth integrand
     * c r² sin²θ / (2π σ² (m − r cos θ)); composite Simpson's rule, accurate to ≈ 1e-12.
     */
    public double cumulative(double x) {
        double atom = x >= 0 ? zeroMass() : 0;
        double lo = lower();
        double hi = upper();
        if (x <= lo) return atom;
        double continuous = Math.min(c, 1);
        if (x >= hi) return atom + continuous;
        double m = 0.5 * (hi + lo);
        double r = 0.5 * (hi - lo);
        double end = Math.acos(Math.max(-1, Math.min(1, (m - x) / r)));
        int n = QUADRATURE_INTERVALS;
        double h = end / n;
        double sum = 0;
        for (int i = 0; i <= n; i++) {
            double t = i * h;
            double s = Math.sin(t);
            double denominator = m - r * Math.cos(t);
            // at c = 1 the support starts at 0 and the integrand's limit there is r(1 + cos θ) = 2r
            double f = denominator > 0 ? r * r * s * s / denominator : r * (1 + Math.cos(t));
            sum += f * (i == 0 || i == n ? 1 : (i % 2 == 1 ? 4 : 2));
        }
        return atom + Math.min(continuous, c / (2 * Math.PI * sigma2) * sum * h / 3);
    }

    /**
     * The Kolmogorov–Smirnov distance sup_x |F_emp(x) − μ((−∞, x])| between the empirical distribution of
     * {@code eigenvalues} and this law. Eigenvalues with |λ| ≤ zeroTolerance·max|λ| are taken as exactly 0
     * (round-off of a rank-deficient matrix), so they meet the atom.
     */
    public double kolmogorovSmirnov(double[] eigenvalues, double zeroTolerance) {
        int n = eigenvalues.length;
        if (n == 0) throw new IllegalArgumentException("MarchenkoPastur: no eigenvalues");
        double max = 0;
        for (double l : eigenvalues) max = Math.max(max, Math.abs(l));
        double[] e = new double[n];
        for (int i = 0; i < n; i++) e[i] = Math.abs(eigenvalues[i]) <= zeroTolerance * max ? 0 : eigenvalues[i];
        Arrays.sort(e);
        double d = 0;
        for (int i = 0; i < n; i++) {
            double f = cumulative(e[i]);
            double fBefore = f - (e[i] == 0 ? zeroMass() : 0); // μ((−∞, x)) — the atom is a jump at 0
            d = Math.max(d, Math.max((i + 1.0) / n - f, fBefore - (double) i / n));
        }
        return d;
    }
}
