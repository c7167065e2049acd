package org.panopt.optim;

/**
 * Checks of hyper-parameter values with PyTorch's messages in spirit: the name, the value, the allowed range.
 */
public final class Hyper {
    private Hyper() {}

    /** η finite and ≥ 0 (NaN is refused, unlike a plain {@code lr < 0} test). */
    public static double checkLearningRate(double lr) {
        return nonNegative("lr", lr);
    }

    /** A finite value ≥ 0. */
    public static double nonNegative(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException("Invalid " + name + " value: " + v + " (must be finite and >= 0)");
        return v;
    }

    /** A finite value > 0. */
    public static double positive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException("Invalid " + name + " value: " + v + " (must be finite and > 0)");
        return v;
    }

    /** A value in [0, 1) — momentum coefficients and Adam's β's. */
    public static double unitInterval(String name, double v) {
        if (!(v >= 0 && v < 1)) throw new IllegalArgumentException("Invalid " + name + " value: " + v + " (must be in [0, 1))");
        return v;
    }

    /** A value in [0, 1]. */
    public static double closedUnitInterval(String name, double v) {
        if (!(v >= 0 && v <= 1)) throw new IllegalArgumentException("Invalid " + name + " value: " + v + " (must be in [0, 1])");
        return v;
    }
}
