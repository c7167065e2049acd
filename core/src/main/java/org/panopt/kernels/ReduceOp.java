package org.panopt.kernels;

/** Associative reductions over an axis run. */
public enum ReduceOp {
    SUM, MAX, MIN;

    /** The value an empty reduction yields. */
    public double identity() {
        return switch (this) {
            case SUM -> 0.0;
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
        };
    }

    public double combine(double acc, double x) {
        return switch (this) {
            case SUM -> acc + x;
            case MAX -> Math.max(acc, x);
            case MIN -> Math.min(acc, x);
        };
    }
}
