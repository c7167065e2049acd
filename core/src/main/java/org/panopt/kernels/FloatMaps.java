package org.panopt.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector-API kernels for float32 elementwise maps and reductions over contiguous runs.
 *
 * <p>Each loop covers whole vectors of {@code SPECIES_PREFERRED} and then one masked vector for the
 * tail, so every element goes through the same instructions wherever it sits in the run. An operand
 * stride of 0 broadcasts its first element (how NumPy broadcasting reaches the inner loop); 1 reads it
 * contiguously. Callers ({@code CpuBackend}) validate bounds; these loops do not.
 *
 * <p>{@link DoubleMaps} is this file with the element type swapped: the Vector API only compiles to
 * SIMD instructions when the species is a constant, so one generic kernel cannot serve both dtypes.
 */
public final class FloatMaps {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private FloatMaps() {}

    /** y[i] = op(x[xs·i]) for i in [0, n). */
    public static void unary(UnaryOp op, float[] x, int xo, int xs, float[] y, int yo, int n) {
        if (xs == 0) {
            Arrays.fill(y, yo, yo + n, (float) op.apply(x[xo]));
            return;
        }
        switch (op) {
            case IDENTITY -> System.arraycopy(x, xo, y, yo, n);
            case NEG -> map(VectorOperators.NEG, x, xo, y, yo, n);
            case ABS -> map(VectorOperators.ABS, x, xo, y, yo, n);
            case EXP -> map(VectorOperators.EXP, x, xo, y, yo, n);
            case LOG -> map(VectorOperators.LOG, x, xo, y, yo, n);
            case SQRT -> map(VectorOperators.SQRT, x, xo, y, yo, n);
            case TANH -> map(VectorOperators.TANH, x, xo, y, yo, n);
            case LOG1P -> map(VectorOperators.LOG1P, x, xo, y, yo, n);
            case EXPM1 -> map(VectorOperators.EXPM1, x, xo, y, yo, n);
            case SIN -> map(VectorOperators.SIN, x, xo, y, yo, n);
            case COS -> map(VectorOperators.COS, x, xo, y, yo, n);
            case RSQRT -> {
                for (int i = 0; i < n; i += L) {
                    VectorMask<Float> m = S.indexInRange(i, n);
                    FloatVector v = FloatVector.fromArray(S, x, xo + i, m);
                    FloatVector.broadcast(S, 1f).div(v.sqrt()).intoArray(y, yo + i, m);
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < n; i += L) {
                    VectorMask<Float> m = S.indexInRange(i, n);
                    FloatVector v = FloatVector.fromArray(S, x, xo + i, m);
                    FloatVector one = FloatVector.broadcast(S, 1f);
                    one.div(v.neg().lanewise(VectorOperators.EXP).add(one)).intoArray(y, yo + i, m);
                }
            }
            case RELU -> {
                for (int i = 0; i < n; i += L) {
                    VectorMask<Float> m = S.indexInRange(i, n);
                    FloatVector v = FloatVector.fromArray(S, x, xo + i, m);
                    FloatVector.zero(S).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, yo + i, m);
                }
            }
            case SQUARE -> {
                for (int i = 0; i < n; i += L) {
                    VectorMask<Float> m = S.indexInRange(i, n);
                    FloatVector v = FloatVector.fromArray(S, x, xo + i, m);
                    v.mul(v).intoArray(y, yo + i, m);
                }
            }
            case RECIPROCAL -> {
                for (int i = 0; i < n; i += L) {
                    VectorMask<Float> m = S.indexInRange(i, n);
                    FloatVector v = FloatVector.fromArray(S, x, xo + i, m);
                    FloatVector.broadcast(S, 1f).div(v).intoArray(y, yo + i, m);
                }
            }
            case SOFTPLUS -> {
                for (int i = 0; i < n; i += L) {
                    VectorMask<Float> m = S.indexInRange(i, n);
                    FloatVector v = FloatVector.fromArray(S, x, xo + i, m);
                    FloatVector tail = v.abs().neg().lanewise(VectorOperators.EXP).lanewise(VectorOperators.LOG1P);
                    v.max(0f).add(tail).intoArray(y, yo + i, m);
                }
            }
            case STEP -> {
                for (int i = 0; i < n; i += L) {
                    VectorMask<Float> m = S.indexInRange(i, n);
                    FloatVector v = FloatVector.fromArray(S, x, xo + i, m);
                    FloatVector.zero(S).blend(1f, v.compare(VectorOperators.GT, 0f)).intoArray(y, yo + i, m);
                }
            }
            case SIGN -> {
                for (int i = 0; i < n; i++) y[yo + i] = Math.signum(x[xo + i]);
            }
        }
    }

    private static void map(VectorOperators.Unary op, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, x, xo + i).lanewise(op).intoArray(y, yo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, x, xo + i, m).lanewise(op).intoArray(y, yo + i, m);
        }
    }

    /** y[i] = op(a[as·i], b[bs·i]) for i in [0, n); strides are 0 (broadcast) or 1. */
    public static void binary(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
        switch (op) {
            case ADD -> map(VectorOperators.ADD, a, ao, as, b, bo, bs, y, yo, n);
            case SUB -> map(VectorOperators.SUB, a, ao, as, b, bo, bs, y, yo, n);
            case MUL -> map(VectorOperators.MUL, a, ao, as, b, bo, bs, y, yo, n);
            case DIV -> map(VectorOperators.DIV, a, ao, as, b, bo, bs, y, yo, n);
            case MAX -> map(VectorOperators.MAX, a, ao, as, b, bo, bs, y, yo, n);
            case MIN -> map(VectorOperators.MIN, a, ao, as, b, bo, bs, y, yo, n);
            case POW -> map(VectorOperators.POW, a, ao, as, b, bo, bs, y, yo, n);
            case EQ -> compare(VectorOperators.EQ, a, ao, as, b, bo, bs, y, yo, n);
            case NE -> compare(VectorOperators.NE, a, ao, as, b, bo, bs, y, yo, n);
            case LT -> compare(VectorOperators.LT, a, ao, as, b, bo, bs, y, yo, n);
            case LE -> compare(VectorOperators.LE, a, ao, as, b, bo, bs, y, yo, n);
            case GT -> compare(VectorOperators.GT, a, ao, as, b, bo, bs, y, yo, n);
            case GE -> compare(VectorOperators.GE, a, ao, as, b, bo, bs, y, yo, n);
        }
    }

    private static void map(VectorOperators.Binary op, float[] a, int ao, int as, float[] b, int bo, int bs,
                            float[] y, int yo, int n) {
        FloatVector ca = FloatVector.broadcast(S, a[ao]);
        FloatVector cb = FloatVector.broadcast(S, b[bo]);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector va = as == 0 ? ca : FloatVector.fromArray(S, a, ao + i);
            FloatVector vb = bs == 0 ? cb : FloatVector.fromArray(S, b, bo + i);
            va.lanewise(op, vb).intoArray(y, yo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector va = as == 0 ? ca : FloatVector.fromArray(S, a, ao + i, m);
            FloatVector vb = bs == 0 ? cb : FloatVector.fromArray(S, b, bo + i, m);
            va.lanewise(op, vb).intoArray(y, yo + i, m);
        }
    }

    private static void compare(VectorOperators.Comparison op, float[] a, int ao, int as, float[] b, int bo, int bs,
                                float[] y, int yo, int n) {
        FloatVector ca = FloatVector.broadcast(S, a[ao]);
        FloatVector cb = FloatVector.broadcast(S, b[bo]);
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector va = as == 0 ? ca : FloatVector.fromArray(S, a, ao + i, m);
            FloatVector vb = bs == 0 ? cb : FloatVector.fromArray(S, b, bo + i, m);
            zero.blend(1f, va.compare(op, vb)).intoArray(y, yo + i, m);
        }
    }

    /** y[i] = c[cs·i] != 0 ? a[as·i] : b[bs·i]; strides are 0 or 1. */
    public static void where(float[] c, int co, int cs, float[] a, int ao, int as, float[] b, int bo, int bs,
                             float[] y, int yo, int n) {
        FloatVector cc = FloatVector.broadcast(S, c[co]);
        FloatVector ca = FloatVector.broadcast(S, a[ao]);
        FloatVector cb = FloatVector.broadcast(S, b[bo]);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector vc = cs == 0 ? cc : FloatVector.fromArray(S, c, co + i, m);
            FloatVector va = as == 0 ? ca : FloatVector.fromArray(S, a, ao + i, m);
            FloatVector vb = bs == 0 ? cb : FloatVector.fromArray(S, b, bo + i, m);
            vb.blend(va, vc.compare(VectorOperators.NE, 0f)).intoArray(y, yo + i, m);
        }
    }

    /** op over x[xo .. xo+n); the op's identity when n = 0. */
    public static float reduce(ReduceOp op, float[] x, int xo, int n) {
        return switch (op) {
            case SUM -> reduce(VectorOperators.ADD, x, xo, n, 0f);
            case MAX -> reduce(VectorOperators.MAX, x, xo, n, Float.NEGATIVE_INFINITY);
            case MIN -> reduce(VectorOperators.MIN, x, xo, n, Float.POSITIVE_INFINITY);
        };
    }

    // Two independent accumulators hide the latency of the vector add/max chain.
    private static float reduce(VectorOperators.Associative op, float[] x, int xo, int n, float identity) {
        FloatVector acc0 = FloatVector.broadcast(S, identity);
        FloatVector acc1 = acc0;
        int i = 0;
        for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
            acc0 = acc0.lanewise(op, FloatVector.fromArray(S, x, xo + i));
            acc1 = acc1.lanewise(op, FloatVector.fromArray(S, x, xo + i + L));
        }
        for (; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            acc0 = acc0.lanewise(op, FloatVector.broadcast(S, identity).blend(FloatVector.fromArray(S, x, xo + i, m), m));
        }
        return acc0.lanewise(op, acc1).reduceLanes(op);
    }

    /** acc[i] = op(acc[i], x[i]) for i in [0, n): folds one row into a running row of results. */
    public static void reduceInto(ReduceOp op, float[] x, int xo, float[] acc, int ao, int n) {
        switch (op) {
            case SUM -> map(VectorOperators.ADD, acc, ao, 1, x, xo, 1, acc, ao, n);
            case MAX -> map(VectorOperators.MAX, acc, ao, 1, x, xo, 1, acc, ao, n);
            case MIN -> map(VectorOperators.MIN, acc, ao, 1, x, xo, 1, acc, ao, n);
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
            acc0 = FloatVector.fromArray(S, x, xo + i, m).fma(FloatVector.fromArray(S, y, yo + i, m), acc0);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    /**
     * Softmax (or log-softmax) of one contiguous row, stable: the row maximum is subtracted before
     * exponentiating, so no input overflows. y may alias x.
     */
    public static void softmaxRow(float[] x, int xo, float[] y, int yo, int n, boolean log) {
        float max = reduce(ReduceOp.MAX, x, xo, n);
        if (max == Float.NEGATIVE_INFINITY) max = 0f; // an all −∞ row: keep it −∞/NaN-free up to exp(−∞)=0
        FloatVector vmax = FloatVector.broadcast(S, max);
        FloatVector sum = FloatVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector e = FloatVector.fromArray(S, x, xo + i, m).sub(vmax).lanewise(VectorOperators.EXP);
            e = FloatVector.zero(S).blend(e, m);
            sum = sum.add(e);
            if (!log) e.intoArray(y, yo + i, m);
        }
        float s = sum.reduceLanes(VectorOperators.ADD);
        if (log) {
            FloatVector shift = FloatVector.broadcast(S, max + (float) Math.log(s));
            for (int i = 0; i < n; i += L) {
                VectorMask<Float> m = S.indexInRange(i, n);
                FloatVector.fromArray(S, x, xo + i, m).sub(shift).intoArray(y, yo + i, m);
            }
        } else {
            FloatVector inv = FloatVector.broadcast(S, 1f / s);
            for (int i = 0; i < n; i += L) {
                VectorMask<Float> m = S.indexInRange(i, n);
                FloatVector.fromArray(S, y, yo + i, m).mul(inv).intoArray(y, yo + i, m);
            }
        }
    }

    /** log Σ exp(x[i]) over one contiguous row, stable. −∞ for an empty or all −∞ row. */
    public static float logSumExpRow(float[] x, int xo, int n) {
        float max = reduce(ReduceOp.MAX, x, xo, n);
        if (max == Float.NEGATIVE_INFINITY || Float.isNaN(max) || max == Float.POSITIVE_INFINITY) return max;
        FloatVector vmax = FloatVector.broadcast(S, max);
        FloatVector sum = FloatVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector e = FloatVector.fromArray(S, x, xo + i, m).sub(vmax).lanewise(VectorOperators.EXP);
            sum = sum.add(FloatVector.zero(S).blend(e, m));
        }
        return max + (float) Math.log(sum.reduceLanes(VectorOperators.ADD));
    }
}
