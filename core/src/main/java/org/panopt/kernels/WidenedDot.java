package org.panopt.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The dot product of float32 elements accumulated in float64: each element widened (exactly), products and sum in
 * double, in the order of {@link DoubleMaps#dot} — two lane-wise accumulators, the tail into the first, the lanes
 * added in {@link DoubleMaps#sumLanes}' fixed tree — so the result equals {@code DoubleMaps.dot} of the widened
 * arrays bit for bit, interpreted or compiled. For reductions over float32 data that must not lose the float64
 * accuracy of their sum (K-FAC's inner products of directions with millions of entries).
 */
public final class WidenedDot {
    private WidenedDot() {}

    private static final VectorSpecies<Double> D = DoubleMaps.S;
    /** Floats with as many lanes as {@link #D}, for widening loads. */
    private static final VectorSpecies<Float> F = VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int L = D.length();

    /** Σ x[i]·y[i] over n contiguous elements, in double. */
    public static double dot(float[] x, int xo, float[] y, int yo, int n) {
        DoubleVector acc0 = DoubleVector.zero(D);
        DoubleVector acc1 = DoubleVector.zero(D);
        int i = 0;
        for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
            acc0 = widen(x, xo + i).fma(widen(y, yo + i), acc0);
            acc1 = widen(x, xo + i + L).fma(widen(y, yo + i + L), acc1);
        }
        for (; i < n; i += L) {
            VectorMask<Float> m = F.indexInRange(i, n);
            acc0 = widen(x, xo + i, m).fma(widen(y, yo + i, m), acc0);
        }
        double[] lanes = new double[L];
        acc0.add(acc1).intoArray(lanes, 0);
        return DoubleMaps.sumLanes(lanes);
    }

    private static DoubleVector widen(float[] x, int at) {
        return (DoubleVector) FloatVector.fromArray(F, x, at).convertShape(VectorOperators.F2D, D, 0);
    }

    private static DoubleVector widen(float[] x, int at, VectorMask<Float> m) {
        return (DoubleVector) FloatVector.fromArray(F, x, at, m).convertShape(VectorOperators.F2D, D, 0);
    }
}
