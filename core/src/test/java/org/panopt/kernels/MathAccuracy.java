package org.panopt.kernels;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;

/**
 * Measures the error of the math kernels ({@link FloatMath}, {@link DoubleMath} through {@link FloatMaps} and
 * {@link DoubleMaps}) against {@link StrictMath} in double, in ulps of the kernel's precision. Used by
 * {@code MathKernelsTest}; {@link #main} with {@code sweep} prints what the test measures, without arguments (or
 * with function names) it tries every float, about ten minutes a function.
 */
final class MathAccuracy {
    private MathAccuracy() {}

    /** A kernel and its reference. */
    enum Fn {
        EXP(UnaryOp.EXP, StrictMath::exp),
        EXPM1(UnaryOp.EXPM1, StrictMath::expm1),
        LOG(UnaryOp.LOG, StrictMath::log),
        LOG1P(UnaryOp.LOG1P, StrictMath::log1p),
        TANH(UnaryOp.TANH, StrictMath::tanh),
        SIGMOID(UnaryOp.SIGMOID, x -> 1 / (1 + StrictMath.exp(-x)), MathAccuracy::sigmoidExactlyAroundExp),
        SOFTPLUS(UnaryOp.SOFTPLUS, x -> Math.max(x, 0) + StrictMath.log1p(StrictMath.exp(-Math.abs(x))),
                MathAccuracy::softplusExactlyAroundLog1p);

        final UnaryOp op;
        /** The reference for float32 results: the definition in double, exact enough at float precision. */
        final DoubleUnaryOperator reference;
        /** The reference for float64 results. */
        final DoubleUnaryOperator reference64;

        Fn(UnaryOp op, DoubleUnaryOperator reference) {
            this(op, reference, reference);
        }

        Fn(UnaryOp op, DoubleUnaryOperator reference, DoubleUnaryOperator reference64) {
            this.op = op;
            this.reference = reference;
            this.reference64 = reference64;
        }
    }

    /**
     * 1/(1 + e^{−x}) with e^{−|x|} from StrictMath and the rest in 34 digits, rounded once: within about one ulp
     * (StrictMath's) of the true value, where the same formula in double would add two roundings more.
     */
    static double sigmoidExactlyAroundExp(double x) {
        if (Double.isNaN(x)) return Double.NaN;
        if (Double.isInfinite(x)) return x > 0 ? 1 : 0;
        // e^{−|x|} ≤ 1 never overflows: 1/(1 + e) for x ≥ 0, e/(1 + e) for x < 0.
        BigDecimal e = new BigDecimal(StrictMath.exp(-Math.abs(x)));
        BigDecimal num = x >= 0 ? BigDecimal.ONE : e;
        return num.divide(BigDecimal.ONE.add(e), MathContext.DECIMAL128).doubleValue();
    }

    /** max(x, 0) + log1p(e^{−|x|}) with the two StrictMath values added exactly and rounded once. */
    static double softplusExactlyAroundLog1p(double x) {
        if (Double.isNaN(x)) return Double.NaN;
        if (Double.isInfinite(x)) return x > 0 ? x : 0;
        double l = StrictMath.log1p(StrictMath.exp(-Math.abs(x)));
        return new BigDecimal(Math.max(x, 0)).add(new BigDecimal(l)).doubleValue();
    }

    /** The largest error seen and where. */
    record Worst(double ulps, double x, double got, double expected) {
        Worst max(Worst o) {
            return o.ulps > ulps ? o : this;
        }

        @Override
        public String toString() {
            return String.format("%.3f ulp at x=%s (got %s, reference %s)", ulps, x, got, expected);
        }
    }

    /** Error of a float result against a double reference, in ulps of float; infinite when a special value differs. */
    static double ulpsFloat(float got, double ref) {
        float r = (float) ref;
        if (Float.isNaN(got) || Float.isNaN(r)) return Float.isNaN(got) && Float.isNaN(r) ? 0 : Double.POSITIVE_INFINITY;
        if (Float.isInfinite(got) || Float.isInfinite(r)) return got == r ? 0 : Double.POSITIVE_INFINITY;
        if (got == 0 && r == 0 && Float.floatToIntBits(got) != Float.floatToIntBits(r)) return Double.POSITIVE_INFINITY;
        return Math.abs(got - ref) / ulpFloat(ref);
    }

    /** Error of a double result against a double reference, in ulps; infinite when a special value differs. */
    static double ulpsDouble(double got, double ref) {
        if (Double.isNaN(got) || Double.isNaN(ref)) return Double.isNaN(got) && Double.isNaN(ref) ? 0 : Double.POSITIVE_INFINITY;
        if (Double.isInfinite(got) || Double.isInfinite(ref)) return got == ref ? 0 : Double.POSITIVE_INFINITY;
        if (got == 0 && ref == 0 && Double.doubleToLongBits(got) != Double.doubleToLongBits(ref)) return Double.POSITIVE_INFINITY;
        // |got − ref| exactly enough: both are doubles, their difference in ulps of ref's binade (the lower one
        // at a power of two, where the spacing changes).
        double a = Math.abs(ref);
        double u = Math.ulp(a);
        if (a > 0 && a == Math.scalb(1.0, Math.getExponent(a)) && Math.abs(got) < a) u /= 2;
        return Math.abs(got - ref) / u;
    }

    private static double ulpFloat(double ref) {
        double a = Math.abs(ref);
        float f = (float) a;
        // The spacing of floats around ref: the lower binade's when ref rounds up to a power of two.
        return f > a ? Math.ulp(Math.nextDown(f)) : Math.ulp(f);
    }

    static Worst measureFloat(Fn fn, float[] x) {
        float[] y = new float[x.length];
        FloatMaps.unary(fn.op, x, 0, 1, y, 0, x.length);
        Worst w = new Worst(0, Double.NaN, Double.NaN, Double.NaN);
        for (int i = 0; i < x.length; i++) {
            double ref = fn.reference.applyAsDouble(x[i]);
            double e = ulpsFloat(y[i], ref);
            if (e > w.ulps() || Double.isNaN(w.x())) w = w.max(new Worst(e, x[i], y[i], ref));
        }
        return w;
    }

    static Worst measureDouble(Fn fn, double[] x) {
        double[] y = new double[x.length];
        DoubleMaps.unary(fn.op, x, 0, 1, y, 0, x.length);
        Worst w = new Worst(0, Double.NaN, Double.NaN, Double.NaN);
        for (int i = 0; i < x.length; i++) {
            double ref = fn.reference64.applyAsDouble(x[i]);
            double e = ulpsDouble(y[i], ref);
            if (e > w.ulps() || Double.isNaN(w.x())) w = w.max(new Worst(e, x[i], y[i], ref));
        }
        return w;
    }

    /** Where each function does something other than saturate: most random inputs are drawn from here. */
    static double[] busyRange(Fn fn, boolean single) {
        return switch (fn) {
            case EXP -> single ? new double[] {-104, 89} : new double[] {-746, 710};
            case EXPM1 -> single ? new double[] {-20, 89} : new double[] {-40, 710};
            case LOG -> new double[] {0, 4};
            case LOG1P -> new double[] {-1, 4};
            case TANH -> single ? new double[] {-10, 10} : new double[] {-20, 20};
            case SIGMOID, SOFTPLUS -> single ? new double[] {-105, 40} : new double[] {-750, 40};
        };
    }

    /** Uniform in the busy range, and uniform in [−2, 2] at a random binary scale down to the subnormals. */
    static double[] randomInputs(Fn fn, boolean single, int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] r = busyRange(fn, single);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = i % 2 == 0 ? rng.nextDouble(r[0], r[1])
                    : Math.scalb(rng.nextDouble(-2, 2), single ? rng.nextInt(-150, 8) : rng.nextInt(-1075, 11));
        }
        return v;
    }

    /**
     * float32: every 1021st bit pattern (4.2 million inputs over every binade of both signs, NaNs and ±∞
     * included) and 2²⁰ random inputs.
     */
    static Worst sweepFloat(Fn fn) {
        int stride = 1021;
        float[] sweep = new float[(int) ((1L << 32) / stride) + 1];
        for (int i = 0; i < sweep.length; i++) sweep[i] = Float.intBitsToFloat((int) ((long) i * stride));
        Worst worst = measureFloat(fn, sweep);
        double[] r = randomInputs(fn, true, 1 << 20, fn.ordinal());
        float[] random = new float[r.length];
        for (int i = 0; i < r.length; i++) random[i] = (float) r[i];
        return worst.max(measureFloat(fn, random));
    }

    /** float64: 2¹⁸ bit patterns spread over all 2⁶⁴ and 2¹⁸ random inputs. */
    static Worst sweepDouble(Fn fn) {
        long stride = Long.divideUnsigned(-1L, 1 << 18);
        double[] sweep = new double[1 << 18];
        for (int i = 0; i < sweep.length; i++) sweep[i] = Double.longBitsToDouble(i * stride + i);
        return measureDouble(fn, sweep).max(measureDouble(fn, randomInputs(fn, false, 1 << 18, 100 + fn.ordinal())));
    }

    /** Every float (all 2³² bit patterns, NaNs included), in blocks; prints the worst error per function. */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("sweep")) {
            for (Fn fn : Fn.values()) System.out.println("float " + fn + ": " + sweepFloat(fn) + "\ndouble " + fn + ": " + sweepDouble(fn));
            return;
        }
        Fn[] fns = args.length == 0 ? Fn.values() : java.util.Arrays.stream(args).map(Fn::valueOf).toArray(Fn[]::new);
        int block = 1 << 20;
        float[] x = new float[block];
        for (Fn fn : fns) {
            Worst w = new Worst(0, Double.NaN, Double.NaN, Double.NaN);
            for (long start = 0; start < (1L << 32); start += block) {
                for (int i = 0; i < block; i++) x[i] = Float.intBitsToFloat((int) (start + i));
                w = w.max(measureFloat(fn, x));
            }
            System.out.println("float " + fn + ": " + w);
        }
    }
}
