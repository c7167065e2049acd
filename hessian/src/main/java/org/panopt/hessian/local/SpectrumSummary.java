package org.panopt.hessian.local;

import java.util.SplittableRandom;
import org.panopt.hessian.LinearOperator;
import org.panopt.hessian.spectrum.ConditionNumber;
import org.panopt.hessian.spectrum.DenseSpectrum;
import org.panopt.hessian.spectrum.EigenPairs;
import org.panopt.hessian.spectrum.HutchinsonTrace;
import org.panopt.hessian.spectrum.Lanczos;
import org.panopt.hessian.spectrum.Probes;

/**
 * A few numbers that describe the spectrum of a symmetric (local) Hessian. Small operators
 * (dim ≤ {@code denseLimit}) are decomposed densely and everything is exact; larger ones get their two
 * extreme eigenvalues from {@link Lanczos} and their mean eigenvalue tr/n from {@link HutchinsonTrace},
 * and then the rank is unknown (−1) and the condition number is reported only when the smallest
 * eigenvalue found is clearly non-zero (else NaN: the smallest <em>non-zero</em> one is out of reach).
 *
 * @param dim            n
 * @param dense          whether the numbers come from a dense decomposition
 * @param largest        λ_max
 * @param smallest       λ_min
 * @param mean           tr/n (estimated when not dense)
 * @param rank           eigenvalues with |λ| &gt; tolerance·max|λ| (−1 when not dense)
 * @param condition      max|λ| / min non-zero |λ| (NaN when unknown)
 * @param tolerance      the relative tolerance for "non-zero"
 * @param eigenvalues    all eigenvalues, descending, when dense; else null
 */
public record SpectrumSummary(int dim, boolean dense, double largest, double smallest, double mean, int rank, double condition,
                              double tolerance, double[] eigenvalues) {

    /** Summarizes {@code op}: dense below {@code denseLimit}, else Lanczos (both ends) and Hutchinson with the given seed. */
    public static SpectrumSummary of(LinearOperator op, int denseLimit, double tolerance, int hutchinsonSamples, long seed) {
        int n = op.dim();
        if (n <= denseLimit) {
            double[] lambda = DenseSpectrum.eigenvalues(op);
            double mean = 0;
            for (double l : lambda) mean += l / n;
            ConditionNumber c = ConditionNumber.ofEigenvalues(lambda, tolerance);
            return new SpectrumSummary(n, true, lambda[0], lambda[n - 1], mean, c.rank(), c.value(), tolerance, lambda);
        }
        EigenPairs ends = Lanczos.eigenpairs(op, 2, Lanczos.Which.BOTH_ENDS, Lanczos.Options.defaults().withTolerance(1e-8).withSeed(seed));
        double hi = ends.largest();
        double lo = ends.smallest();
        double mean = HutchinsonTrace.estimate(op, hutchinsonSamples, Probes.RADEMACHER, new SplittableRandom(seed)).trace() / n;
        double scale = Math.max(Math.abs(hi), Math.abs(lo));
        double condition = Math.min(Math.abs(hi), Math.abs(lo)) > tolerance * scale && Math.signum(hi) == Math.signum(lo)
                ? scale / Math.min(Math.abs(hi), Math.abs(lo)) : Double.NaN;
        return new SpectrumSummary(n, false, hi, lo, mean, -1, condition, tolerance, null);
    }
}
