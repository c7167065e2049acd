package org.panopt.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector-API kernels for elementwise maps and reductions over contiguous runs, in float32;
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
 * two): exp, log, tanh, sigmoid, log1p and expm1 come from {@link FloatMath}, built from exactly rounded operations;
 * sums keep lane-wise accumulators whose lanes are then added in a fixed tree ({@link #sumLanes}). MAX and MIN
 * reductions are exact in any order and keep {@code reduceLanes}. A result still depends on the vector width
 * (the lanes a sum is split over), so it may differ between machines with different SIMD widths.
 */
public final class FloatMaps {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private FloatMaps() {}

    // ------------------------------------------------------------------ unary

    /** y[i] = op(x[xs·i]) for i in [0, n). */
    public static void unary(UnaryOp op, float[] x, int xo, int xs, float[] y, int yo, int n) {
        if (xs == 0) {
            // One element through the vector kernel, so a broadcast gives the bits a contiguous run would.
            float[] one = new float[1];
            if (n > 0) unary(op, new float[] {x[xo]}, 0, 1, one, 0, 1);
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

    private static FloatVector load(float[] x, int o, VectorMask<Float> m) {
        return FloatVector.fromArray(S, x, o, m);
    }

    private static void neg(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            load(x, xo + i, m).neg().intoArray(y, yo + i, m);
        }
    }

    private static void abs(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            load(x, xo + i, m).abs().intoArray(y, yo + i, m);
        }
    }

    private static void exp(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatMath.exp(load(x, xo + i, m)).intoArray(y, yo + i, m);
        }
    }

    private static void log(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatMath.log(load(x, xo + i, m)).intoArray(y, yo + i, m);
        }
    }

    private static void sqrt(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            load(x, xo + i, m).sqrt().intoArray(y, yo + i, m);
        }
    }

    private static void rsqrt(float[] x, int xo, float[] y, int yo, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            one.div(load(x, xo + i, m).sqrt()).intoArray(y, yo + i, m);
        }
    }

    private static void tanh(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatMath.tanh(load(x, xo + i, m)).intoArray(y, yo + i, m);
        }
    }

    private static void sigmoid(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatMath.sigmoid(load(x, xo + i, m)).intoArray(y, yo + i, m);
        }
    }

    // max(x, 0) keeps NaN as NaN, as torch.relu does.
    private static void relu(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            load(x, xo + i, m).max(0f).intoArray(y, yo + i, m);
        }
    }

    private static void square(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = load(x, xo + i, m);
            v.mul(v).intoArray(y, yo + i, m);
        }
    }

    private static void reciprocal(float[] x, int xo, float[] y, int yo, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            one.div(load(x, xo + i, m)).intoArray(y, yo + i, m);
        }
    }

    private static void sign(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) y[yo + i] = Math.signum(x[xo + i]);
    }

    private static void erf(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) y[yo + i] = (float) Erf.erf(x[xo + i]);
    }

    private static void log1p(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatMath.log1p(load(x, xo + i, m)).intoArray(y, yo + i, m);
        }
    }

    private static void expm1(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatMath.expm1(load(x, xo + i, m)).intoArray(y, yo + i, m);
        }
    }

    // sin, cos and pow are scalar StrictMath loops (fdlibm, the same bits everywhere): no training path uses
    // them in bulk, and a vector version with its own argument reduction would not be worth its tests.
    private static void sin(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) y[yo + i] = (float) StrictMath.sin(x[xo + i]);
    }

    private static void cos(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) y[yo + i] = (float) StrictMath.cos(x[xo + i]);
    }

    // max(x, 0) + log1p(exp(−|x|)): no overflow for large x, no lost digits for very negative x. In blocks,
    // exp(−|x|) into a buffer and then the rest: one loop holding both would be more than the JIT inlines into
    // one compilation, and a math call left out of line boxes its vectors.
    private static void softplus(float[] x, int xo, float[] y, int yo, int n) {
        float[] e = new float[Math.min(n, BLOCK)];
        for (int b = 0; b < n; b += BLOCK) {
            int len = Math.min(BLOCK, n - b);
            expOfMinusAbs(x, xo + b, e, len);
            softplusFromExp(x, xo + b, e, y, yo + b, len);
        }
    }

    /** Elements per block of the two-pass kernels (a multiple of every vector length). */
    private static final int BLOCK = 1024;

    private static void expOfMinusAbs(float[] x, int xo, float[] e, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatMath.exp(load(x, xo + i, m).abs().neg()).intoArray(e, i, m);
        }
    }

    // y may alias x: element i of x is read before element i of y is written. Both loads come before log1p,
    // whose inlining exhausts the JIT's budget for this method.
    private static void softplusFromExp(float[] x, int xo, float[] e, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = load(x, xo + i, m);
            FloatVector t = load(e, i, m);
            v.max(0f).add(FloatMath.log1p(t)).intoArray(y, yo + i, m);
        }
    }

    private static void step(float[] x, int xo, float[] y, int yo, int n) {
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            zero.blend(1f, load(x, xo + i, m).compare(VectorOperators.GT, 0f)).intoArray(y, yo + i, m);
        }
    }

    // ------------------------------------------------------------------ binary

    /** y[i] = op(a[as·i], b[bs·i]) for i in [0, n); strides are 0 (broadcast) or 1. */
    public static void binary(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
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
    private static FloatVector operand(float[] a, int ao, int as, int i, VectorMask<Float> m) {
        return as == 0 ? FloatVector.broadcast(S, a[ao]) : FloatVector.fromArray(S, a, ao + i, m);
    }

    private static void add(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            operand(a, ao, as, i, m).add(operand(b, bo, bs, i, m)).intoArray(y, yo + i, m);
        }
    }

    private static void sub(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            operand(a, ao, as, i, m).sub(operand(b, bo, bs, i, m)).intoArray(y, yo + i, m);
        }
    }

    private static void mul(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            operand(a, ao, as, i, m).mul(operand(b, bo, bs, i, m)).intoArray(y, yo + i, m);
        }
    }

    private static void div(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            operand(a, ao, as, i, m).div(operand(b, bo, bs, i, m)).intoArray(y, yo + i, m);
        }
    }

    private static void max(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            operand(a, ao, as, i, m).max(operand(b, bo, bs, i, m)).intoArray(y, yo + i, m);
        }
    }

    private static void min(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            operand(a, ao, as, i, m).min(operand(b, bo, bs, i, m)).intoArray(y, yo + i, m);
        }
    }

    private static void pow(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) y[yo + i] = (float) StrictMath.pow(a[ao + as * i], b[bo + bs * i]);
    }

    private static void eq(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            zero.blend(1f, operand(a, ao, as, i, m).compare(VectorOperators.EQ, operand(b, bo, bs, i, m))).intoArray(y, yo + i, m);
        }
    }

    private static void ne(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            zero.blend(1f, operand(a, ao, as, i, m).compare(VectorOperators.NE, operand(b, bo, bs, i, m))).intoArray(y, yo + i, m);
        }
    }

    private static void lt(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            zero.blend(1f, operand(a, ao, as, i, m).compare(VectorOperators.LT, operand(b, bo, bs, i, m))).intoArray(y, yo + i, m);
        }
    }

    private static void le(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            zero.blend(1f, operand(a, ao, as, i, m).compare(VectorOperators.LE, operand(b, bo, bs, i, m))).intoArray(y, yo + i, m);
        }
    }

    private static void gt(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            zero.blend(1f, operand(a, ao, as, i, m).compare(VectorOperators.GT, operand(b, bo, bs, i, m))).intoArray(y, yo + i, m);
        }
    }

    private static void ge(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            zero.blend(1f, operand(a, ao, as, i, m).compare(VectorOperators.GE, operand(b, bo, bs, i, m))).intoArray(y, yo + i, m);
        }
    }

    /**
     * y[i] += alpha·x[xs·i] for i in [0, n); xs is 0 (broadcast) or 1. The product is rounded, then the sum (a
     * multiply and an add, not an FMA), so the result is the same as scaling x into a temporary and adding it.
     */
    public static void axpy(float alpha, float[] x, int xo, int xs, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            operand(x, xo, xs, i, m).mul(alpha).add(load(y, yo + i, m)).intoArray(y, yo + i, m);
        }
    }

    /** y[i] = c[cs·i] ≠ 0 ? a[as·i] : b[bs·i]; strides are 0 or 1. */
    public static void where(float[] c, int co, int cs, float[] a, int ao, int as, float[] b, int bo, int bs,
                             float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            VectorMask<Float> pick = operand(c, co, cs, i, m).compare(VectorOperators.NE, 0f);
            operand(b, bo, bs, i, m).blend(operand(a, ao, as, i, m), pick).intoArray(y, yo + i, m);
        }
    }

    // ------------------------------------------------------------------ reductions

    /** op over x[xo .. xo+n); the op's identity when n = 0. */
    public static float reduce(ReduceOp op, float[] x, int xo, int n) {
        return switch (op) {
            case SUM -> sum(x, xo, n);
            case MAX -> max(x, xo, n);
            case MIN -> min(x, xo, n);
        };
    }

    // Two accumulators hide the latency of the add chain; masked-off tail lanes load as 0. Pairs of whole
    // vectors go to acc0 and acc1, the rest (the last one masked) to acc0: a fixed order, whatever compiled it.
    private static float sum(float[] x, int xo, int n) {
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        int i = 0;
        for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
            acc0 = acc0.add(FloatVector.fromArray(S, x, xo + i));
            acc1 = acc1.add(FloatVector.fromArray(S, x, xo + i + L));
        }
        for (; i < n; i += L) acc0 = acc0.add(load(x, xo + i, S.indexInRange(i, n)));
        float[] lanes = new float[L];
        acc0.add(acc1).intoArray(lanes, 0);
        return sumLanes(lanes);
    }

    private static float max(float[] x, int xo, int n) {
        FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            acc = acc.lanewise(VectorOperators.MAX, load(x, xo + i, m), m);
        }
        return acc.reduceLanes(VectorOperators.MAX);
    }

    private static float min(float[] x, int xo, int n) {
        FloatVector acc = FloatVector.broadcast(S, Float.POSITIVE_INFINITY);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            acc = acc.lanewise(VectorOperators.MIN, load(x, xo + i, m), m);
        }
        return acc.reduceLanes(VectorOperators.MIN);
    }

    /** acc[i] = op(acc[i], x[i]) for i in [0, n): folds one row into a running row of results. */
    public static void reduceInto(ReduceOp op, float[] x, int xo, float[] acc, int ao, int n) {
        switch (op) {
            case SUM -> add(acc, ao, 1, x, xo, 1, acc, ao, n);
            case MAX -> max(acc, ao, 1, x, xo, 1, acc, ao, n);
            case MIN -> min(acc, ao, 1, x, xo, 1, acc, ao, n);
        }
    }

    /** Σ x[i]·y[i] over n contiguous elements. */
    public static float dot(float[] x, int xo, float[] y, int yo, int n) {
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        int i = 0;
        for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
            acc0 = FloatVector.fromArray(S, x, xo + i).fma(FloatVector.fromArray(S, y, yo + i), acc0);
            acc1 = FloatVector.fromArray(S, x, xo + i + L).fma(FloatVector.fromArray(S, y, yo + i + L), acc1);
        }
        for (; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            acc0 = load(x, xo + i, m).fma(load(y, yo + i, m), acc0);
        }
        float[] lanes = new float[L];
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
    static float sumLanes(float[] lanes) {
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
    public static void softmaxRow(float[] x, int xo, float[] y, int yo, int n, boolean log) {
        float max = max(x, xo, n);
        if (max == Float.NEGATIVE_INFINITY) max = 0f; // every entry −∞: exp gives 0s, not NaNs from −∞ − (−∞)
        float s = sumOfExp(x, xo, max, log ? null : y, yo, n);
        if (log) {
            // (x − max) − log s, not x − (max + log s): the sum max + log s would round at the scale of
            // max, losing log s's digits when the logits are large (float: 3e-5 absolute at |x| = 1000).
            subtractTwice(x, xo, max, logOf(s), y, yo, n);
        } else {
            scale(y, yo, 1f / s, n);
        }
    }

    /** log Σ exp(x[i]) over one contiguous row, stable; −∞ for an empty or all −∞ row. */
    public static float logSumExpRow(float[] x, int xo, int n) {
        float max = max(x, xo, n);
        if (Float.isInfinite(max) || Float.isNaN(max)) return max;
        return max + logOf(sumOfExp(x, xo, max, null, 0, n));
    }

    /** Σ exp(x[i] − max), lanes added by {@link #sumLanes}; also stores each exp(x[i] − max) in y unless y is null. */
    private static float sumOfExp(float[] x, int xo, float max, float[] y, int yo, int n) {
        FloatVector vmax = FloatVector.broadcast(S, max);
        FloatVector sum = FloatVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector e = FloatMath.exp(load(x, xo + i, m).sub(vmax));
            sum = sum.add(e, m);
            if (y != null) e.intoArray(y, yo + i, m);
        }
        float[] lanes = new float[L];
        sum.intoArray(lanes, 0);
        return sumLanes(lanes);
    }

    /** The natural logarithm of one value, by the vector kernel: the bits a lane of {@link #log} would give. */
    private static float logOf(float v) {
        return FloatMath.log(FloatVector.broadcast(S, v)).lane(0);
    }

    /** y[i] = (x[i] − a) − b. */
    private static void subtractTwice(float[] x, int xo, float a, float b, float[] y, int yo, int n) {
        FloatVector va = FloatVector.broadcast(S, a);
        FloatVector vb = FloatVector.broadcast(S, b);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            load(x, xo + i, m).sub(va).sub(vb).intoArray(y, yo + i, m);
        }
    }

    /** y[i] ·= c. */
    private static void scale(float[] y, int yo, float c, int n) {
        FloatVector vc = FloatVector.broadcast(S, c);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            load(y, yo + i, m).mul(vc).intoArray(y, yo + i, m);
        }
    }
}
