package org.panopt.autograd;

import java.util.SplittableRandom;

/**
 * Where a finite-difference check draws an input's values from: each domain keeps inputs away from the
 * non-smooth points of the functions it is meant for (a central difference at a kink is not a derivative).
 * Shared by the op gradient matrix and the layer gradient matrix.
 */
public enum Domain {
    /** U(−2, 2). */
    REAL,
    /** U(−4, 4): erf on both sides of its series / continued-fraction switch at |x| = 2. */
    WIDE,
    /** U(0.5, 2): log, sqrt, rsqrt, pow bases. */
    POSITIVE,
    /** ±U(0.3, 2): abs, relu, reciprocal, divisors. */
    NONZERO,
    /** A random permutation of distinct values 0.25 apart: max/min reductions and max pooling without ties. */
    DISTINCT,
    /** Multiples of 0.2 in [−2, 2]; against ODD_GRID never closer than 0.1 (binary max/min without ties). */
    EVEN_GRID,
    /** Odd multiples of 0.1 in [−1.9, 1.9]. */
    ODD_GRID,
    /** Multiples of 1/64 in [−2, 2]: x ± 2⁻¹⁰ is exact in float32 (the float32 round trip). */
    DYADIC;

    public double[] sample(SplittableRandom rng, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (this) {
                case REAL -> rng.nextDouble(-2, 2);
                case WIDE -> rng.nextDouble(-4, 4);
                case POSITIVE -> rng.nextDouble(0.5, 2);
                case NONZERO -> (rng.nextBoolean() ? 1 : -1) * rng.nextDouble(0.3, 2);
                case DISTINCT -> 0.25 * (i - (n - 1) / 2.0);
                case EVEN_GRID -> 0.2 * rng.nextInt(-10, 11);
                case ODD_GRID -> 0.2 * rng.nextInt(-10, 10) + 0.1;
                case DYADIC -> rng.nextInt(-128, 129) / 64.0;
            };
        }
        if (this == DISTINCT) {
            for (int i = n - 1; i > 0; i--) { // Fisher–Yates
                int j = rng.nextInt(i + 1);
                double t = v[i];
                v[i] = v[j];
                v[j] = t;
            }
        }
        return v;
    }
}
