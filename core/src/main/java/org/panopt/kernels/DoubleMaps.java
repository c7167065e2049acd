package org.panopt.kernels;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector-API kernels for float64 elementwise maps and reductions over contiguous runs: {@link FloatMaps}
 * with the element type swapped (see there for the conventions and why there are two files).
 */
public final class DoubleMaps {
    static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private DoubleMaps() {}

    /** y[i] = op(x[xs·i]) for i in [0, n). */
    public static void unary(UnaryOp op, double[] x, int xo, int xs, double[] y, int yo, int n) {
        if (xs == 0) {
            Arrays.fill(y, yo, yo + n, op.apply(x[xo]));
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
                    VectorMask<Double> m = S.indexInRange(i, n);
                    DoubleVector v = DoubleVector.fromArray(S, x, xo + i, m);
                    DoubleVector.broadcast(S, 1.0).div(v.sqrt()).intoArray(y, yo + i, m);
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < n; i += L) {
                    VectorMask<Double> m = S.indexInRange(i, n);
                    DoubleVector v = DoubleVector.fromArray(S, x, xo + i, m);
                    DoubleVector one = DoubleVector.broadcast(S, 1.0);
                    one.div(v.neg().lanewise(VectorOperators.EXP).add(one)).intoArray(y, yo + i, m);
                }
            }
            case RELU -> {
                for (int i = 0; i < n; i += L) {
                    VectorMask<Double> m = S.indexInRange(i, n);
                    DoubleVector v = DoubleVector.fromArray(S, x, xo + i, m);
                    DoubleVector.zero(S).blend(v, v.compare(VectorOperators.GT, 0.0)).intoArray(y, yo + i, m);
                }
            }
            case SQUARE -> {
                for (int i = 0; i < n; i += L) {
                    VectorMask<Double> m = S.indexInRange(i, n);
                    DoubleVector v = DoubleVector.fromArray(S, x, xo + i, m);
                    v.mul(v).intoArray(y, yo + i, m);
                }
            }
            case RECIPROCAL -> {
                for (int i = 0; i < n; i += L) {
                    VectorMask<Double> m = S.indexInRange(i, n);
                    DoubleVector v = DoubleVector.fromArray(S, x, xo + i, m);
                    DoubleVector.broadcast(S, 1.0).div(v).intoArray(y, yo + i, m);
                }
            }
            case SOFTPLUS -> {
                for (int i = 0; i < n; i += L) {
                    VectorMask<Double> m = S.indexInRange(i, n);
                    DoubleVector v = DoubleVector.fromArray(S, x, xo + i, m);
                    DoubleVector tail = v.abs().neg().lanewise(VectorOperators.EXP).lanewise(VectorOperators.LOG1P);
                    v.max(0.0).add(tail).intoArray(y, yo + i, m);
                }
            }
            case STEP -> {
                for (int i = 0; i < n; i += L) {
                    VectorMask<Double> m = S.indexInRange(i, n);
                    DoubleVector v = DoubleVector.fromArray(S, x, xo + i, m);
                    DoubleVector.zero(S).blend(1.0, v.compare(VectorOperators.GT, 0.0)).intoArray(y, yo + i, m);
                }
            }
            case SIGN -> {
                for (int i = 0; i < n; i++) y[yo + i] = Math.signum(x[xo + i]);
            }
        }
    }

    private static void map(VectorOperators.Unary op, double[] x, int xo, double[] y, int yo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            DoubleVector.fromArray(S, x, xo + i).lanewise(op).intoArray(y, yo + i);
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            DoubleVector.fromArray(S, x, xo + i, m).lanewise(op).intoArray(y, yo + i, m);
        }
    }

    /** y[i] = op(a[as·i], b[bs·i]) for i in [0, n); strides are 0 (broadcast) or 1. */
    public static void binary(BinaryOp op, double[] a, int ao, int as, double[] b, int bo, int bs, double[] y, int yo, int n) {
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

    private static void map(VectorOperators.Binary op, double[] a, int ao, int as, double[] b, int bo, int bs,
                            double[] y, int yo, int n) {
        DoubleVector ca = DoubleVector.broadcast(S, a[ao]);
        DoubleVector cb = DoubleVector.broadcast(S, b[bo]);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            DoubleVector va = as == 0 ? ca : DoubleVector.fromArray(S, a, ao + i);
            DoubleVector vb = bs == 0 ? cb : DoubleVector.fromArray(S, b, bo + i);
            va.lanewise(op, vb).intoArray(y, yo + i);
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            DoubleVector va = as == 0 ? ca : DoubleVector.fromArray(S, a, ao + i, m);
            DoubleVector vb = bs == 0 ? cb : DoubleVector.fromArray(S, b, bo + i, m);
            va.lanewise(op, vb).intoArray(y, yo + i, m);
        }
    }

    private static void compare(VectorOperators.Comparison op, double[] a, int ao, int as, double[] b, int bo, int bs,
                                double[] y, int yo, int n) {
        DoubleVector ca = DoubleVector.broadcast(S, a[ao]);
        DoubleVector cb = DoubleVector.broadcast(S, b[bo]);
        DoubleVector zero = DoubleVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            DoubleVector va = as == 0 ? ca : DoubleVector.fromArray(S, a, ao + i, m);
            DoubleVector vb = bs == 0 ? cb : DoubleVector.fromArray(S, b, bo + i, m);
            zero.blend(1.0, va.compare(op, vb)).intoArray(y, yo + i, m);
        }
    }

    /** y[i] = c[cs·i] != 0 ? a[as·i] : b[bs·i]; strides are 0 or 1. */
    public static void where(double[] c, int co, int cs, double[] a, int ao, int as, double[] b, int bo, int bs,
                             double[] y, int yo, int n) {
        DoubleVector cc = DoubleVector.broadcast(S, c[co]);
        DoubleVector ca = DoubleVector.broadcast(S, a[ao]);
        DoubleVector cb = DoubleVector.broadcast(S, b[bo]);
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            DoubleVector vc = cs == 0 ? cc : DoubleVector.fromArray(S, c, co + i, m);
            DoubleVector va = as == 0 ? ca : DoubleVector.fromArray(S, a, ao + i, m);
            DoubleVector vb = bs == 0 ? cb : DoubleVector.fromArray(S, b, bo + i, m);
            vb.blend(va, vc.compare(VectorOperators.NE, 0.0)).intoArray(y, yo + i, m);
        }
    }

    /** op over x[xo .. xo+n); the op's identity when n = 0. */
    public static double reduce(ReduceOp op, double[] x, int xo, int n) {
        return switch (op) {
            case SUM -> reduce(VectorOperators.ADD, x, xo, n, 0.0);
            case MAX -> reduce(VectorOperators.MAX, x, xo, n, Double.NEGATIVE_INFINITY);
            case MIN -> reduce(VectorOperators.MIN, x, xo, n, Double.POSITIVE_INFINITY);
        };
    }

    // Two independent accumulators hide the latency of the vector add/max chain.
    private static double reduce(VectorOperators.Associative op, double[] x, int xo, int n, double identity) {
        DoubleVector acc0 = DoubleVector.broadcast(S, identity);
        DoubleVector acc1 = acc0;
        int i = 0;
        for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
            acc0 = acc0.lanewise(op, DoubleVector.fromArray(S, x, xo + i));
            acc1 = acc1.lanewise(op, DoubleVector.fromArray(S, x, xo + i + L));
        }
        for (; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            acc0 = acc0.lanewise(op, DoubleVector.broadcast(S, identity).blend(DoubleVector.fromArray(S, x, xo + i, m), m));
        }
        return acc0.lanewise(op, acc1).reduceLanes(op);
    }

    /** acc[i] = op(acc[i], x[i]) for i in [0, n): folds one row into a running row of results. */
    public static void reduceInto(ReduceOp op, double[] x, int xo, double[] acc, int ao, int n) {
        switch (op) {
            case SUM -> map(VectorOperators.ADD, acc, ao, 1, x, xo, 1, acc, ao, n);
            case MAX -> map(VectorOperators.MAX, acc, ao, 1, x, xo, 1, acc, ao, n);
            case MIN -> map(VectorOperators.MIN, acc, ao, 1, x, xo, 1, acc, ao, n);
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
            acc0 = DoubleVector.fromArray(S, x, xo + i, m).fma(DoubleVector.fromArray(S, y, yo + i, m), acc0);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    /**
     * Softmax (or log-softmax) of one contiguous row, stable: the row maximum is subtracted before
     * exponentiating, so no input overflows. y may alias x.
     */
    public static void softmaxRow(double[] x, int xo, double[] y, int yo, int n, boolean log) {
        double max = reduce(ReduceOp.MAX, x, xo, n);
        if (max == Double.NEGATIVE_INFINITY) max = 0.0; // an all −∞ row: keep it −∞/NaN-free up to exp(−∞)=0
        DoubleVector vmax = DoubleVector.broadcast(S, max);
        DoubleVector sum = DoubleVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            DoubleVector e = DoubleVector.fromArray(S, x, xo + i, m).sub(vmax).lanewise(VectorOperators.EXP);
            e = DoubleVector.zero(S).blend(e, m);
            sum = sum.add(e);
            if (!log) e.intoArray(y, yo + i, m);
        }
        double s = sum.reduceLanes(VectorOperators.ADD);
        if (log) {
            DoubleVector shift = DoubleVector.broadcast(S, max + Math.log(s));
            for (int i = 0; i < n; i += L) {
                VectorMask<Double> m = S.indexInRange(i, n);
                DoubleVector.fromArray(S, x, xo + i, m).sub(shift).intoArray(y, yo + i, m);
            }
        } else {
            DoubleVector inv = DoubleVector.broadcast(S, 1.0 / s);
            for (int i = 0; i < n; i += L) {
                VectorMask<Double> m = S.indexInRange(i, n);
                DoubleVector.fromArray(S, y, yo + i, m).mul(inv).intoArray(y, yo + i, m);
            }
        }
    }

    /** log Σ exp(x[i]) over one contiguous row, stable. −∞ for an empty or all −∞ row. */
    public static double logSumExpRow(double[] x, int xo, int n) {
        double max = reduce(ReduceOp.MAX, x, xo, n);
        if (max == Double.NEGATIVE_INFINITY || Double.isNaN(max) || max == Double.POSITIVE_INFINITY) return max;
        DoubleVector vmax = DoubleVector.broadcast(S, max);
        DoubleVector sum = DoubleVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Double> m = S.indexInRange(i, n);
            DoubleVector e = DoubleVector.fromArray(S, x, xo + i, m).sub(vmax).lanewise(VectorOperators.EXP);
            sum = sum.add(DoubleVector.zero(S).blend(e, m));
        }
        return max + Math.log(sum.reduceLanes(VectorOperators.ADD));
    }
}
