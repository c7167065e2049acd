package org.panopt.kernels;

/**
 * The error function erf(x) = 2/√π ∫₀ˣ e^{−t²} dt to about 1e-15 (the JDK has none, and the Vector API
 * has no erf lane op). Used by the exact GELU, x·Φ(x) = x·(1 + erf(x/√2))/2.
 *
 * <p>|x| < 2: the Maclaurin series Σ (−1)ⁿ x^{2n+1} / (n!(2n+1)), whose largest term there is about 21, so
 * cancellation costs under two digits. |x| ≥ 2: erfc from its continued fraction
 * erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), evaluated by Lentz's method,
 * which converges quickly there. Beyond |x| = 6, erfc(x) < 2e-17: erf is ±1 in double.
 */
public final class Erf {
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

    private Erf() {}

    public static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double a = Math.abs(x);
        if (a >= 6) return Math.copySign(1.0, x);
        if (a < 2) return series(x);
        return Math.copySign(1 - erfcContinuedFraction(a), x);
    }

    private static double series(double x) {
        double x2 = x * x;
        double term = x;      // (−1)ⁿ x^{2n+1} / n!
        double sum = x;
        for (int n = 1; n < 60; n++) {
            term *= -x2 / n;
            double add = term / (2 * n + 1);
            sum += add;
            if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
        }
        return TWO_OVER_SQRT_PI * sum;
    }

    // erfc(x) for x ≥ 2; the continued fraction's partial numerators are k/2, k = 1, 2, …
    private static double erfcContinuedFraction(double x) {
        double tiny = 1e-300;
        double f = x;
        double c = x;
        double d = 0;
        for (int k = 1; k < 200; k++) {
            double ak = k / 2.0;
            d = x + ak * d;
            d = d == 0 ? tiny : d;
            c = x + ak / c;
            c = c == 0 ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) break;
        }
        return StrictMath.exp(-x * x) / (Math.sqrt(Math.PI) * f); // fdlibm: the same bits on every machine
    }
}
