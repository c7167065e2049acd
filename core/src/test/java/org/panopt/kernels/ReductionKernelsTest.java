package org.panopt.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reduction kernels ({@code reduce}, {@code reduceInto}, {@code dot}, {@code softmaxRow},
 * {@code logSumExpRow}) of {@link FloatMaps} and {@link DoubleMaps} against double loops.
 *
 * <p>Where the inputs are small integers, sums and dot products are exact in both precisions whatever
 * the summation order, so those checks are exact; on real-valued inputs the bound is the standard one
 * for recursive summation, n·ε·Σ|x| (ε the unit roundoff of the kernel's precision).
 */
class ReductionKernelsTest {
    static final int[] LENGTHS = ElementwiseKernelsTest.LENGTHS;
    static final int OFFSET = 7;
    /** Around each run: huge values, so a reduction that reads one element too many is far off. */
    static final double OUTSIDE = 1e6;

    static Stream<Arguments> cases() {
        return Stream.of(Precision.values()).flatMap(p -> Arrays.stream(LENGTHS).mapToObj(n -> Arguments.of(p, n)));
    }

    static double[] integers(int n, long seed, int bound) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextInt(-bound, bound + 1);
        return v;
    }

    static double[] embed(double[] run, int offset) {
        double[] a = new double[run.length + offset + 11];
        Arrays.fill(a, OUTSIDE);
        System.arraycopy(run, 0, a, offset, run.length);
        return a;
    }

    static double eps(Precision p) {
        return p.ulp(1.0) / 2;
    }

    // ------------------------------------------------------------------ reduce

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("cases")
    void reduceOverIntegersIsExact(Precision p, int n) {
        double[] x = integers(n, n, 100);
        double[] a = embed(x, OFFSET);
        double sum = 0;
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        for (double v : x) {
            sum += v;
            max = Math.max(max, v);
            min = Math.min(min, v);
        }
        assertThat(p.reduce(ReduceOp.SUM, a, OFFSET, n)).isEqualTo(sum);
        assertThat(p.reduce(ReduceOp.MAX, a, OFFSET, n)).isEqualTo(max);
        assertThat(p.reduce(ReduceOp.MIN, a, OFFSET, n)).isEqualTo(min);
    }

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("cases")
    void sumOfRealsIsWithinTheSummationBound(Precision p, int n) {
        SplittableRandom rng = new SplittableRandom(100 + n);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = p.round(rng.nextDouble(-1, 1) * Math.pow(10, rng.nextInt(-3, 4)));
        double sum = 0;
        double abs = 0;
        for (double v : x) {
            sum += v;
            abs += Math.abs(v);
        }
        double got = p.reduce(ReduceOp.SUM, embed(x, OFFSET), OFFSET, n);
        assertThat(got).isCloseTo(sum, within(n * eps(p) * abs + 1e-300));
    }

    @ParameterizedTest
    @EnumSource(ReduceOp.class)
    void emptyReductionIsTheIdentity(ReduceOp op) {
        for (Precision p : Precision.values()) {
            assertThat(p.reduce(op, new double[] {5, 6}, 1, 0)).as("%s %s", p, op).isEqualTo(op.identity());
        }
    }

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("cases")
    void maxMinAndSumPropagateNaNWhereverItSits(Precision p, int n) {
        if (n == 0) return;
        int[] positions = {0, n / 2, n - 1};
        for (int pos : positions) {
            double[] x = integers(n, pos, 10);
            x[pos] = Double.NaN;
            double[] a = embed(x, OFFSET);
            for (ReduceOp op : ReduceOp.values()) {
                assertThat(p.reduce(op, a, OFFSET, n)).as("%s with NaN at %d of %d", op, pos, n).isNaN();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void maxOfInfinitiesAndSignedZeros(Precision p) {
        double inf = Double.POSITIVE_INFINITY;
        assertThat(p.reduce(ReduceOp.MAX, new double[] {-inf, -inf, -inf}, 0, 3)).isEqualTo(-inf);
        assertThat(p.reduce(ReduceOp.MIN, new double[] {inf, 3, inf}, 0, 3)).isEqualTo(3.0);
        assertThat(p.reduce(ReduceOp.SUM, new double[] {inf, 3, -inf}, 0, 3)).isNaN();
        double[] big = new double[40];
        Arrays.fill(big, -5);
        big[37] = inf;
        assertThat(p.reduce(ReduceOp.MAX, big, 0, 40)).isEqualTo(inf);
        assertThat(p.reduce(ReduceOp.MIN, big, 0, 40)).isEqualTo(-5.0);
    }

    // ------------------------------------------------------------------ reduceInto

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("cases")
    void reduceIntoFoldsARowIntoTheRunningRow(Precision p, int n) {
        for (ReduceOp op : ReduceOp.values()) {
            double[] x = integers(n, 3L * n + op.ordinal(), 50);
            double[] acc0 = integers(n, 5L * n + op.ordinal(), 50);
            if (n > 2) {
                x[1] = Double.NaN; // MAX/MIN/SUM all propagate NaN from either side
                acc0[n - 1] = Double.NaN;
            }
            int ao = 4;
            double[] acc = embed(acc0, ao);
            p.reduceInto(op, embed(x, OFFSET), OFFSET, acc, ao, n);
            for (int i = 0; i < acc.length; i++) {
                if (i < ao || i >= ao + n) {
                    assertThat(acc[i]).as("%s: acc[%d] outside the run", op, i).isEqualTo(OUTSIDE);
                } else {
                    double expected = op.combine(acc0[i - ao], x[i - ao]);
                    assertThat((Double) acc[i]).as("%s at %d", op, i - ao).isEqualTo((Double) expected);
                }
            }
        }
    }

    // ------------------------------------------------------------------ dot

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("cases")
    void dotOfIntegersIsExact(Precision p, int n) {
        double[] x = integers(n, n + 9, 40);
        double[] y = integers(n, n + 10, 40);
        double expected = 0;
        for (int i = 0; i < n; i++) expected += x[i] * y[i];
        assertThat(p.dot(embed(x, 3), 3, embed(y, 6), 6, n)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("cases")
    void dotOfRealsIsWithinTheSummationBound(Precision p, int n) {
        SplittableRandom rng = new SplittableRandom(n);
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = p.round(rng.nextDouble(-3, 3));
            y[i] = p.round(rng.nextDouble(-3, 3));
        }
        double expected = 0;
        double abs = 0;
        for (int i = 0; i < n; i++) {
            expected += x[i] * y[i];
            abs += Math.abs(x[i] * y[i]);
        }
        assertThat(p.dot(embed(x, 1), 1, embed(y, 2), 2, n)).isCloseTo(expected, within((n + 1) * eps(p) * abs + 1e-300));
    }

    // ------------------------------------------------------------------ softmax and log-sum-exp

    static double[] softmaxReference(double[] x, boolean log) {
        double lse = logSumExpReference(x);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = log ? x[i] - lse : Math.exp(x[i] - lse);
        return y;
    }

    static double logSumExpReference(double[] x) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : x) m = Math.max(m, v);
        if (Double.isInfinite(m) || Double.isNaN(m)) return m;
        double s = 0;
        for (double v : x) s += Math.exp(v - m);
        return m + Math.log(s);
    }

    /** Tolerance on softmax probabilities / log-probabilities in each precision. */
    static double tol(Precision p) {
        return p == Precision.F32 ? 2e-6 : 1e-14;
    }

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("cases")
    void softmaxRowMatchesReferenceAndSumsToOne(Precision p, int n) {
        if (n == 0) return;
        SplittableRandom rng = new SplittableRandom(n);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = p.round(rng.nextDouble(-20, 20));
        double[] ref = softmaxReference(x, false);
        double[] y = embed(new double[n], 5);
        p.softmaxRow(embed(x, OFFSET), OFFSET, y, 5, n, false);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            assertThat(y[5 + i]).as("softmax at %d of %d", i, n).isCloseTo(ref[i], within(tol(p) * Math.max(ref[i], 1e-3)));
            sum += y[5 + i];
        }
        assertThat(sum).isCloseTo(1.0, within(n * 2 * eps(p) + 4 * eps(p)));
        assertThat(y[4]).isEqualTo(OUTSIDE);
        assertThat(y[5 + n]).isEqualTo(OUTSIDE);
    }

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("cases")
    void logSoftmaxRowIsXMinusLogSumExp(Precision p, int n) {
        if (n == 0) return;
        SplittableRandom rng = new SplittableRandom(n + 1);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = p.round(rng.nextDouble(-20, 20));
        double[] ref = softmaxReference(x, true);
        double[] y = embed(new double[n], 5);
        p.softmaxRow(embed(x, OFFSET), OFFSET, y, 5, n, true);
        for (int i = 0; i < n; i++) {
            assertThat(y[5 + i]).as("log-softmax at %d of %d", i, n).isCloseTo(ref[i], within(tol(p) * (1 + Math.abs(ref[i]))));
        }
        assertThat(y[4]).isEqualTo(OUTSIDE);
        assertThat(y[5 + n]).isEqualTo(OUTSIDE);
        assertThat(p.logSumExpRow(embed(x, 2), 2, n)).isCloseTo(logSumExpReference(x), within(tol(p) * (1 + Math.abs(logSumExpReference(x)))));
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void softmaxOfExtremeInputsNeitherOverflowsNorUnderflowsToNaN(Precision p) {
        double[] x = new double[19]; // one full float vector on AVX-512 would be 16: cross into the tail
        Arrays.fill(x, -1000);
        x[3] = 1000;
        x[17] = 999;
        double[] y = new double[x.length];
        p.softmaxRow(x, 0, y, 0, x.length, false);
        double e = Math.exp(-1);
        assertThat(y[3]).isCloseTo(1 / (1 + e), within(tol(p)));
        assertThat(y[17]).isCloseTo(e / (1 + e), within(tol(p)));
        assertThat(y[0]).isZero();
        p.softmaxRow(x, 0, y, 0, x.length, true);
        assertThat(y[3]).isCloseTo(-Math.log1p(e), within(tol(p)));
        assertThat(y[0]).isCloseTo(-2000 - Math.log1p(e), within(tol(p) * 2000));
        assertThat(p.logSumExpRow(x, 0, x.length)).isCloseTo(1000 + Math.log1p(e), within(tol(p) * 1000));

        double[] equal = {-1000, -1000, -1000, -1000, -1000};
        p.softmaxRow(equal, 0, y, 0, 5, false);
        for (int i = 0; i < 5; i++) assertThat(y[i]).isCloseTo(0.2, within(tol(p)));
        assertThat(p.logSumExpRow(equal, 0, 5)).isCloseTo(-1000 + Math.log(5), within(tol(p) * 1000));
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void softmaxTreatsMinusInfinityAsZeroProbability(Precision p) {
        double inf = Double.POSITIVE_INFINITY;
        double[] x = {-inf, 0, -inf, Math.log(3)};
        double[] y = new double[4];
        p.softmaxRow(x, 0, y, 0, 4, false);
        assertThat(y[0]).isZero();
        assertThat(y[1]).isCloseTo(0.25, within(tol(p)));
        assertThat(y[3]).isCloseTo(0.75, within(tol(p)));
        p.softmaxRow(x, 0, y, 0, 4, true);
        assertThat(y[0]).isEqualTo(-inf);
        assertThat(y[1]).isCloseTo(Math.log(0.25), within(tol(p)));
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void logSumExpRowSpecialCases(Precision p) {
        double inf = Double.POSITIVE_INFINITY;
        assertThat(p.logSumExpRow(new double[] {1, 2}, 1, 0)).isEqualTo(-inf);
        assertThat(p.logSumExpRow(new double[] {-inf, -inf, -inf}, 0, 3)).isEqualTo(-inf);
        assertThat(p.logSumExpRow(new double[] {0, inf, 3}, 0, 3)).isEqualTo(inf);
        assertThat(p.logSumExpRow(new double[] {0, Double.NaN, 3}, 0, 3)).isNaN();
        assertThat(p.logSumExpRow(new double[] {0, 0}, 0, 2)).isCloseTo(Math.log(2), within(tol(p)));
        assertThat(p.logSumExpRow(new double[] {88, 88}, 0, 2)).isCloseTo(88 + Math.log(2), within(tol(p) * 88));
    }

    @Test
    void softmaxRowMayWorkInPlace() {
        int n = 37;
        double[] xd = new double[n];
        float[] xf = new float[n];
        for (int i = 0; i < n; i++) {
            xd[i] = Math.sin(i) * 7;
            xf[i] = (float) xd[i];
        }
        for (boolean log : new boolean[] {false, true}) {
            double[] ref = softmaxReference(xd, log);
            double[] yd = xd.clone();
            DoubleMaps.softmaxRow(yd, 0, yd, 0, n, log);
            float[] yf = xf.clone();
            FloatMaps.softmaxRow(yf, 0, yf, 0, n, log);
            for (int i = 0; i < n; i++) {
                assertThat(yd[i]).isCloseTo(ref[i], within(1e-14 * (1 + Math.abs(ref[i]))));
                assertThat((double) yf[i]).isCloseTo(ref[i], within(2e-6 * (1 + Math.abs(ref[i]))));
            }
        }
    }
}
