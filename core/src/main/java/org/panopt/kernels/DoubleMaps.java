// Generated from FloatMaps.java by KernelTwins (core/src/test): edit that file and run KernelTwins.main.
package org.panopt.kernels;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector-API kernels for elementwise maps and reductions over contiguous runs, in float64;
 * {@code DoubleMaps} is generated from this file with the element type swapped (see
 * {@code KernelTwins} in the tests, which also checks the two agree).
 *
 * <p>Each loop walks whole vectors of {@code SPECIES_PREFERRED} under a lane mask, so the tail is one
 * more masked vector: every element goes through the same instructions wherever it sits. An operand
 * stride of 0 broadcasts its first element (how NumPy broadcasting reaches the inner loop); 1 reads it
 * contiguously. Callers ({@code CpuBackend}) validate bounds; these loops do not.
 *
 * <p>Why one small method per op: the Vector API compiles to SIMD instructions only where the species
 * and the operator are compile-time constants. An operator passed as a parameter into a shared loop
 * falls back to boxed scalar code (measured here: 30× slower for exp), and a single method holding
 * every loop would exceed the JIT's size limit. So the switch picks a method, and each method's loop
 * names its operator literally.
 *
 * <p><b>Determinism.</b> Every kernel gives the same bits in the interpreter, in C1- and in C2-compiled code
 * (checked by {@code InterpretedEqualsCompiledTest}), so a computation does not depend on when the JIT compiled
 * what. Hence no Vector-API transcendental ({@code lanewise(EXP)} etc.: SVML intrinsics once compiled, a
 * different rounding before) and no {@code reduceLanes(ADD)} (its order is unspecified and differs between the
 * two): exp, log, tanh, sigmoid, log1p and expm1 come from {@link DoubleMath}, built from exactly rounded operations;
 * sums keep lane-wise accumulators whose lanes are then added in a fixed tree ({@link #sumLanes}). MAX and MIN
 * reductions are exact in any order and keep {@code reduceLanes}. A result still depends on the vector width
 * (the lanes a sum is split over), so it may differ between machines with different SIMD widths.
 */
public final class DoubleMaps {
    static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private DoubleMaps() {}

    // ------------------------------------------------------------------ unary

    /** y[i] = op(x[xs·i]) for i in [0, n). */
    public static void unary(UnaryOp op, double[] x, int xo, int xs, double[] y, int yo, int n) {
        if (xs == 0) {
            // One element through the vector kernel, so a broadcast gives the bits a contiguous run would.
            double[] one = new double[1];
            if (n > 0) unary(op, new double[] {x[xo]}, 0, 1, one, 0, 1);
            Arrays.fill(y, yo, yo + n, one[0]);
            return;
        }
        switch (op) {
            case IDENTITY -> System.arraycopy(x, xo, y, yo, n);
            case NEG -> neg(x, xo, y, yo, n);
            case ABS -> abs(x, xo, y, yo, n);
            case EXP -> exp(x, xo, y, yo, n);
            case LOG -> log(x, xo, y, yo, n);
            case SQRT -> sqrt(x, xo, y, yo, n);
            case RSQRT -> rsqrt(x, xo, y, yo, n);
            case TANH -> tanh(x, xo, y, yo, n);
            case SIGMOID -> sigmoid(x, xo, y, yo, n);
            case RELU -> relu(x, xo, y, yo, n);
            case SQUARE -> square(x, xo, y, yo, n);
            case RECIPROCAL -> reciprocal(x, xo, y, yo, n);
            case SIGN -> sign(x, xo, y, yo, n);
            case LOG1P -> log1p(x, xo, y, yo, n);
            case EXPM1 -> expm1(x, xo, y, yo, n);
            case SIN -> sin(x, xo, y, yo, n);
            case COS -> cos(x, xo, y, yo, n);
            case SOFTPLUS -> softplus(x, xo, y, yo, n);
            case STEP -> step(x, xo, y, yo, n);
            case ERF -> erf(x, xo, y, yo, n);
        }
    }

    private static DoubleVector load(double[] x, int o, VectorMask<Double> m) {
        return DoubleVector.fromArray(S, x, o, m);
    }

    private static void neg(double[] x, int xo, double[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            load(x, xo + i, m).neg().intoArray(y, yo + i, m);
        }
    }

    private static void abs(double[] x, int xo, double[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            load(x, xo + i, m).abs().intoArray(y, yo + i, m);
        }
    }

    private static void exp(double[] x, int xo, double[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            DoubleMath.exp(load(x, xo + i, m)).intoArray(y, yo + i, m);
        }
    }

    private static void log(double[] x, int xo, double[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            DoubleMath.log(load(x, xo + i, m)).intoArray(y, yo + i, m);
        }
    }

    private static void sqrt(double[] x, int xo, double[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            load(x, xo + i, m).sqrt().intoArray(y, yo + i, m);
        }
    }

    private static void rsqrt(double[] x, int xo, double[] y, int yo, int n) {
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            one.div(load(x, xo + i, m).sqrt()).intoArray(y, yo + i, m);
        }
    }

    private static void tanh(double[] x, int xo, double[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            DoubleMath.tanh(load(x, xo + i, m)).intoArray(y, yo + i, m);
        }
    }

    private static void sigmoid(double[] x, int xo, double[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            DoubleMath.sigmoid(load(x, xo + i, m)).intoArray(y, yo + i, m);
        }
    }

    // max(x, 0) keeps NaN as NaN, as torch.relu does.
    private static void relu(double[] x, int xo, double[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            load(x, xo + i, m).max(0.0).intoArray(y, yo + i, m);
        }
    }

    private static void square(double[] x, int xo, double[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            DoubleVector v = load(x, xo + i, m);
            v.mul(v).intoArray(y, yo + i, m);
        }
    }

    private static void reciprocal(double[] x, int xo, double[] y, int yo, int n) {
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            one.div(load(x, xo + i, m)).intoArray(y, yo + i, m);
        }
    }

    private static void sign(double[] x, int xo, double[] y, int yo, int n) {
        for (int i = 0; i < n; i++) y[yo + i] = Math.signum(x[xo + i]);
    }

    private static void erf(double[] x, int xo, double[] y, int yo, int n) {
        for (int i = 0; i < n; i++) y[yo + i] = Erf.erf(x[xo + i]);
    }

    private static void log1p(double[] x, int xo, double[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            DoubleMath.log1p(load(x, xo + i, m)).intoArray(y, yo + i, m);
        }
    }

    private static void expm1(double[] x, int xo, double[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            DoubleMath.expm1(load(x, xo + i, m)).intoArray(y, yo + i, m);
        }
    }

    // sin, cos and pow are scalar StrictMath loops (fdlibm, the same bits everywhere): no training path uses
    // them in bulk, and a vector version with its own argument reduction would not be worth its tests.
    private static void sin(double[] x, int xo, double[] y, int yo, int n) {
        for (int i = 0; i < n; i++) y[yo + i] = StrictMath.sin(x[xo + i]);
    }

    private static void cos(double[] x, int xo, double[] y, int yo, int n) {
        for (int i = 0; i < n; i++) y[yo + i] = StrictMath.cos(x[xo + i]);
    }

    // max(x, 0) + log1p(exp(−|x|)): no overflow for large x, no lost digits for very negative x. In blocks,
    // exp(−|x|) into a buffer and then the rest: one loop holding both would be more than the JIT inlines into
    // one compilation, and a math call left out of line boxes its vectors.
    private static void softplus(double[] x, int xo, double[] y, int yo, int n) {
        double[] e = new double[Math.min(n, BLOCK)];
        for (int b = 0; b < n; b += BLOCK) {
            int len = Math.min(BLOCK, n - b);
            expOfMinusAbs(x, xo + b, e, len);
            softplusFromExp(x, xo + b, e, y, yo + b, len);
        }
    }

    /** Elements per block of the two-pass kernels (a multiple of every vector length). */
    private static final int BLOCK = 1024;

    private static void expOfMinusAbs(double[] x, int xo, double[] e, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            DoubleMath.exp(load(x, xo + i, m).abs().neg()).intoArray(e, i, m);
        }
    }

    // y may alias x: element i of x is read before element i of y is written. Both loads come before log1p,
    // whose inlining exhausts the JIT's budget for this method.
    private static void softplusFromExp(double[] x, int xo, double[] e, double[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            DoubleVector v = load(x, xo + i, m);
            DoubleVector t = load(e, i, m);
            v.max(0.0).add(DoubleMath.log1p(t)).intoArray(y, yo + i, m);
        }
    }

    private static void step(double[] x, int xo, double[] y, int yo, int n) {
        DoubleVector zero = DoubleVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            zero.blend(1.0, load(x, xo + i, m).compare(VectorOperators.GT, 0.0)).intoArray(y, yo + i, m);
        }
    }

    // ------------------------------------------------------------------ binary

    /** y[i] = op(a[as·i], b[bs·i]) for i in [0, n); strides are 0 (broadcast) or 1. */
    public static void binary(BinaryOp op, double[] a, int ao, int as, double[] b, int bo, int bs, double[] y, int yo, int n) {
        switch (op) {
            case ADD -> add(a, ao, as, b, bo, bs, y, yo, n);
            case SUB -> sub(a, ao, as, b, bo, bs, y, yo, n);
            case MUL -> mul(a, ao, as, b, bo, bs, y, yo, n);
            case DIV -> div(a, ao, as, b, bo, bs, y, yo, n);
            case MAX -> max(a, ao, as, b, bo, bs, y, yo, n);
            case MIN -> min(a, ao, as, b, bo, bs, y, yo, n);
            case POW -> pow(a, ao, as, b, bo, bs, y, yo, n);
            case EQ -> eq(a, ao, as, b, bo, bs, y, yo, n);
            case NE -> ne(a, ao, as, b, bo, bs, y, yo, n);
            case LT -> lt(a, ao, as, b, bo, bs, y, yo, n);
            case LE -> le(a, ao, as, b, bo, bs, y, yo, n);
            case GT -> gt(a, ao, as, b, bo, bs, y, yo, n);
            case GE -> ge(a, ao, as, b, bo, bs, y, yo, n);
        }
    }

    // An operand with stride 0 is its first element in every lane.
    private static DoubleVector operand(double[] a, int ao, int as, int i, VectorMask<Double> m) {
        return as == 0 ? DoubleVector.broadcast(S, a[ao]) : DoubleVector.fromArray(S, a, ao + i, m);
    }

    private static void add(double[] a, int ao, int as, double[] b, int bo, int bs, double[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            operand(a, ao, as, i, m).add(operand(b, bo, bs, i, m)).intoArray(y, yo + i, m);
        }
    }

    private static void sub(double[] a, int ao, int as, double[] b, int bo, int bs, double[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            operand(a, ao, as, i, m).sub(operand(b, bo, bs, i, m)).intoArray(y, yo + i, m);
        }
    }

    private static void mul(double[] a, int ao, int as, double[] b, int bo, int bs, double[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            operand(a, ao, as, i, m).mul(operand(b, bo, bs, i, m)).intoArray(y, yo + i, m);
        }
    }

    private static void div(double[] a, int ao, int as, double[] b, int bo, int bs, double[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            operand(a, ao, as, i, m).div(operand(b, bo, bs, i, m)).intoArray(y, yo + i, m);
        }
    }

    private static void max(double[] a, int ao, int as, double[] b, int bo, int bs, double[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            operand(a, ao, as, i, m).max(operand(b, bo, bs, i, m)).intoArray(y, yo + i, m);
        }
    }

    private static void min(double[] a, int ao, int as, double[] b, int bo, int bs, double[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            operand(a, ao, as, i, m).min(operand(b, bo, bs, i, m)).intoArray(y, yo + i, m);
        }
    }

    private static void pow(double[] a, int ao, int as, double[] b, int bo, int bs, double[] y, int yo, int n) {
        for (int i = 0; i < n; i++) y[yo + i] = StrictMath.pow(a[ao + as * i], b[bo + bs * i]);
    }

    private static void eq(double[] a, int ao, int as, double[] b, int bo, int bs, double[] y, int yo, int n) {
        DoubleVector zero = DoubleVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            zero.blend(1.0, operand(a, ao, as, i, m).compare(VectorOperators.EQ, operand(b, bo, bs, i, m))).intoArray(y, yo + i, m);
        }
    }

    private static void ne(double[] a, int ao, int as, double[] b, int bo, int bs, double[] y, int yo, int n) {
        DoubleVector zero = DoubleVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            zero.blend(1.0, operand(a, ao, as, i, m).compare(VectorOperators.NE, operand(b, bo, bs, i, m))).intoArray(y, yo + i, m);
        }
    }

    private static void lt(double[] a, int ao, int as, double[] b, int bo, int bs, double[] y, int yo, int n) {
        DoubleVector zero = DoubleVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            zero.blend(1.0, operand(a, ao, as, i, m).compare(VectorOperators.LT, operand(b, bo, bs, i, m))).intoArray(y, yo + i, m);
        }
    }

    private static void le(double[] a, int ao, int as, double[] b, int bo, int bs, double[] y, int yo, int n) {
        DoubleVector zero = DoubleVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            zero.blend(1.0, operand(a, ao, as, i, m).compare(VectorOperators.LE, operand(b, bo, bs, i, m))).intoArray(y, yo + i, m);
        }
    }

    private static void gt(double[] a, int ao, int as, double[] b, int bo, int bs, double[] y, int yo, int n) {
        DoubleVector zero = DoubleVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            zero.blend(1.0, operand(a, ao, as, i, m).compare(VectorOperators.GT, operand(b, bo, bs, i, m))).intoArray(y, yo + i, m);
        }
    }

    private static void ge(double[] a, int ao, int as, double[] b, int bo, int bs, double[] y, int yo, int n) {
        DoubleVector zero = DoubleVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            zero.blend(1.0, operand(a, ao, as, i, m).compare(VectorOperators.GE, operand(b, bo, bs, i, m))).intoArray(y, yo + i, m);
        }
    }

    /**
     * y[i] += alpha·x[xs·i] for i in [0, n); xs is 0 (broadcast) or 1. The product is rounded, then the sum (a
     * multiply and an add, not an FMA), so the result is the same as scaling x into a temporary and adding it.
     */
    public static void axpy(double alpha, double[] x, int xo, int xs, double[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            operand(x, xo, xs, i, m).mul(alpha).add(load(y, yo + i, m)).intoArray(y, yo + i, m);
        }
    }

    /** y[i] = c[cs·i] ≠ 0 ? a[as·i] : b[bs·i]; strides are 0 or 1. */
    public static void where(double[] c, int co, int cs, double[] a, int ao, int as, double[] b, int bo, int bs,
                             double[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            VectorMask<Double> pick = operand(c, co, cs, i, m).compare(VectorOperators.NE, 0.0);
            operand(b, bo, bs, i, m).blend(operand(a, ao, as, i, m), pick).intoArray(y, yo + i, m);
        }
    }

    // ------------------------------------------------------------------ reductions

    /** op over x[xo .. xo+n); the op's identity when n = 0. */
    public static double reduce(ReduceOp op, double[] x, int xo, int n) {
        return switch (op) {
            case SUM -> sum(x, xo, n);
            case MAX -> max(x, xo, n);
            case MIN -> min(x, xo, n);
        };
    }

    // Two accumulators hide the latency of the add chain; masked-off tail lanes load as 0. Pairs of whole
    // vectors go to acc0 and acc1, the rest (the last one masked) to acc0: a fixed order, whatever compiled it.
    private static double sum(double[] x, int xo, int n) {
        DoubleVector acc0 = DoubleVector.zero(S);
        DoubleVector acc1 = DoubleVector.zero(S);
        int i = 0;
        for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
            acc0 = acc0.add(DoubleVector.fromArray(S, x, xo + i));
            acc1 = acc1.add(DoubleVector.fromArray(S, x, xo + i + L));
        }
        for (; i < n; i += L) acc0 = acc0.add(load(x, xo + i, S.indexInRange(i, n)));
        double[] lanes = new double[L];
        acc0.add(acc1).intoArray(lanes, 0);
        return sumLanes(lanes);
    }

    private static double max(double[] x, int xo, int n) {
        DoubleVector acc = DoubleVector.broadcast(S, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            acc = acc.lanewise(VectorOperators.MAX, load(x, xo + i, m), m);
        }
        return acc.reduceLanes(VectorOperators.MAX);
    }

    private static double min(double[] x, int xo, int n) {
        DoubleVector acc = DoubleVector.broadcast(S, Double.POSITIVE_INFINITY);
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            acc = acc.lanewise(VectorOperators.MIN, load(x, xo + i, m), m);
        }
        return acc.reduceLanes(VectorOperators.MIN);
    }

    /** acc[i] = op(acc[i], x[i]) for i in [0, n): folds one row into a running row of results. */
    public static void reduceInto(ReduceOp op, double[] x, int xo, double[] acc, int ao, int n) {
        switch (op) {
            case SUM -> add(acc, ao, 1, x, xo, 1, acc, ao, n);
            case MAX -> max(acc, ao, 1, x, xo, 1, acc, ao, n);
            case MIN -> min(acc, ao, 1, x, xo, 1, acc, ao, n);
        }
    }

    /** Σ x[i]·y[i] over n contiguous elements. */
    public static double dot(double[] x, int xo, double[] y, int yo, int n) {
        DoubleVector acc0 = DoubleVector.zero(S);
        DoubleVector acc1 = DoubleVector.zero(S);
        int i = 0;
        for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
            acc0 = DoubleVector.fromArray(S, x, xo + i).fma(DoubleVector.fromArray(S, y, yo + i), acc0);
            acc1 = DoubleVector.fromArray(S, x, xo + i + L).fma(DoubleVector.fromArray(S, y, yo + i + L), acc1);
        }
        for (; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            acc0 = load(x, xo + i, m).fma(load(y, yo + i, m), acc0);
        }
        double[] lanes = new double[L];
        acc0.add(acc1).intoArray(lanes, 0);
        return sumLanes(lanes);
    }

    /**
     * The sum of a vector's lanes (stored into {@code lanes} by the caller) in a fixed pairwise tree: lane i plus
     * lane i + L/2 for i < L/2, then i + L/4, …, down to lane 0. Scalar adds in a fixed order round the same
     * way interpreted or compiled; reduceLanes(ADD) leaves its order to the implementation, and C2's differs
     * from the interpreter's. (A plain array, not a vector argument: a vector helper the JIT fails to inline
     * boxes its vectors.)
     */
    static double sumLanes(double[] lanes) {
        for (int w = lanes.length / 2; w >= 1; w /= 2) {
            for (int i = 0; i < w; i++) lanes[i] += lanes[i + w];
        }
        return lanes[0];
    }

    // ------------------------------------------------------------------ softmax

    /**
     * Softmax (or log-softmax) of one contiguous row, stable: the row maximum is subtracted before
     * exponentiating, so no finite input overflows. y may alias x.
     *
     * <p>Each pass is its own small method: the JIT inlines a limited number of IR nodes into one compilation,
     * and exp alone is many; a pass left without its vector helpers inlined would box every vector.
     */
    public static void softmaxRow(double[] x, int xo, double[] y, int yo, int n, boolean log) {
        double max = max(x, xo, n);
        if (max == Double.NEGATIVE_INFINITY) max = 0.0; // every entry −∞: exp gives 0s, not NaNs from −∞ − (−∞)
        double s = sumOfExp(x, xo, max, log ? null : y, yo, n);
        if (log) {
            // (x − max) − log s, not x − (max + log s): the sum max + log s would round at the scale of
            // max, losing log s's digits when the logits are large (double: 3e-5 absolute at |x| = 1000).
            subtractTwice(x, xo, max, logOf(s), y, yo, n);
        } else {
            scale(y, yo, 1.0 / s, n);
        }
    }

    /** log Σ exp(x[i]) over one contiguous row, stable; −∞ for an empty or all −∞ row. */
    public static double logSumExpRow(double[] x, int xo, int n) {
        double max = max(x, xo, n);
        if (Double.isInfinite(max) || Double.isNaN(max)) return max;
        return max + logOf(sumOfExp(x, xo, max, null, 0, n));
    }

    /** Σ exp(x[i] − max), lanes added by {@link #sumLanes}; also stores each exp(x[i] − max) in y unless y is null. */
    private static double sumOfExp(double[] x, int xo, double max, double[] y, int yo, int n) {
        DoubleVector vmax = DoubleVector.broadcast(S, max);
        DoubleVector sum = DoubleVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            DoubleVector e = DoubleMath.exp(load(x, xo + i, m).sub(vmax));
            sum = sum.add(e, m);
            if (y != null) e.intoArray(y, yo + i, m);
        }
        double[] lanes = new double[L];
        sum.intoArray(lanes, 0);
        return sumLanes(lanes);
    }

    /** The natural logarithm of one value, by the vector kernel: the bits a lane of {@link #log} would give. */
    private static double logOf(double v) {
        return DoubleMath.log(DoubleVector.broadcast(S, v)).lane(0);
    }

    /** y[i] = (x[i] − a) − b. */
    private static void subtractTwice(double[] x, int xo, double a, double b, double[] y, int yo, int n) {
        DoubleVector va = DoubleVector.broadcast(S, a);
        DoubleVector vb = DoubleVector.broadcast(S, b);
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            load(x, xo + i, m).sub(va).sub(vb).intoArray(y, yo + i, m);
        }
    }

    /** y[i] ·= c. */
    private static void scale(double[] y, int yo, double c, int n) {
        DoubleVector vc = DoubleVector.broadcast(S, c);
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            load(y, yo + i, m).mul(vc).intoArray(y, yo + i, m);
        }
    }
}
