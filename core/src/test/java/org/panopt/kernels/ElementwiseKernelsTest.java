package org.panopt.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Vector-API elementwise kernels ({@link FloatMaps#unary}, {@link FloatMaps#binary},
 * {@link FloatMaps#where} and their float64 twins) against the scalar double definitions
 * {@link UnaryOp#apply} and {@link BinaryOp#apply}.
 *
 * <p>Runs start at odd offsets inside larger arrays whose other elements are sentinels (checked
 * untouched), with lengths around and between multiples of the vector width, so the whole-vector loop,
 * the masked tail and the empty run are all exercised. Inputs include ±0, ±∞, NaN and large magnitudes
 * within each op's domain.
 *
 * <p>Tolerance: exact (after rounding the double reference to the kernel's precision) for ops that are
 * correctly rounded in both (+, −, ×, ÷, √, abs, comparisons, …: rounding a double result to float is
 * innocuous for these); for the transcendental and composite ops, {@value #ULPS} ulps of the result in
 * the kernel's precision — panopt's own EXP/LOG/TANH/EXPM1/LOG1P/SIGMOID are within 2 ulps of StrictMath
 * ({@link MathKernelsTest} checks that bound), the float64 references here are {@code Math} formulas with
 * roundings of their own (SIGMOID, SOFTPLUS, RSQRT compose two or three rounded steps), and SIN/COS/POW are
 * StrictMath rounded to float. SIN/COS also get an absolute floor of {@value #ULPS} ulps of 1 (their results
 * are bounded by 1, and near their zeros the argument reduction, not the result, sets the error).
 */
class ElementwiseKernelsTest {
    static final int ULPS = 4;
    static final int[] LENGTHS = {0, 1, 3, 15, 16, 17, 31, 255, 1000, 1003};
    static final double SENTINEL = 777.25;
    static final int XO = 3;
    static final int YO = 5;
    static final int PAD = 9;

    static final Set<UnaryOp> EXACT_UNARY = EnumSet.of(UnaryOp.IDENTITY, UnaryOp.NEG, UnaryOp.ABS, UnaryOp.SQRT,
            UnaryOp.RELU, UnaryOp.SQUARE, UnaryOp.RECIPROCAL, UnaryOp.SIGN, UnaryOp.STEP);

    static Stream<Arguments> unaryCases() {
        List<Arguments> out = new ArrayList<>();
        for (Precision p : Precision.values()) {
            for (UnaryOp op : UnaryOp.values()) {
                for (int n : LENGTHS) out.add(Arguments.of(p, op, n));
            }
        }
        return out.stream();
    }

    static Stream<Arguments> binaryCases() {
        List<Arguments> out = new ArrayList<>();
        for (Precision p : Precision.values()) {
            for (BinaryOp op : BinaryOp.values()) {
                for (int n : LENGTHS) out.add(Arguments.of(p, op, n));
            }
        }
        return out.stream();
    }

    // ------------------------------------------------------------------ inputs

    /** n inputs inside op's domain, with the op's interesting special values spread over the run. */
    static double[] unaryInputs(UnaryOp op, Precision p, int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] specials;
        double[] v = new double[n];
        switch (op) {
            case EXP, EXPM1 -> {
                double lim = p == Precision.F32 ? 88 : 709;
                for (int i = 0; i < n; i++) v[i] = rng.nextDouble(-lim, lim);
                specials = new double[] {0, -0.0, 1e-30, -1e-30, lim, -lim - 30, 1000, -1000,
                        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN};
            }
            case LOG, SQRT, RSQRT -> {
                for (int i = 0; i < n; i++) v[i] = Math.pow(10, rng.nextDouble(-30, 30));
                specials = new double[] {1, 0, -0.0, 1e-38, 1e30, -1, -1e-3, Double.POSITIVE_INFINITY,
                        Double.NEGATIVE_INFINITY, Double.NaN};
            }
            case LOG1P -> {
                for (int i = 0; i < n; i++) v[i] = rng.nextBoolean() ? rng.nextDouble(-0.999, 2) : Math.pow(10, rng.nextDouble(-20, 30));
                specials = new double[] {0, -0.0, 1e-20, -1e-20, -1, -2, -0.5, Double.POSITIVE_INFINITY, Double.NaN};
            }
            case SIN, COS -> {
                for (int i = 0; i < n; i++) v[i] = rng.nextDouble(-100, 100);
                specials = new double[] {0, -0.0, 1e-20, Math.PI, Math.PI / 2, -Math.PI / 2, 1e4,
                        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN};
            }
            case TANH, SIGMOID, SOFTPLUS -> {
                for (int i = 0; i < n; i++) v[i] = rng.nextDouble(-40, 40);
                specials = new double[] {0, -0.0, 1e-20, -1e-20, 1000, -1000, 1e30, -1e30,
                        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN};
            }
            default -> { // the algebraic ops: any real
                for (int i = 0; i < n; i++) v[i] = rng.nextDouble(-10, 10) * Math.pow(10, rng.nextInt(-5, 6));
                specials = new double[] {0, -0.0, 1, -1, 1e-30, -1e30, 3e38, -3e38,
                        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN};
            }
        }
        sprinkle(v, specials, rng);
        return p.roundAll(v);
    }

    static void sprinkle(double[] v, double[] specials, SplittableRandom rng) {
        if (v.length == 0) return;
        // The last element always sits in the masked tail (or the last full vector): put one special there.
        v[v.length - 1] = specials[rng.nextInt(specials.length)];
        for (int i = 0; i < specials.length && i < v.length - 1; i++) v[rng.nextInt(v.length - 1)] = specials[i];
    }

    static double[] binaryInputs(BinaryOp op, Precision p, int n, long seed, boolean second) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] v = new double[n];
        double[] specials;
        if (op == BinaryOp.POW) {
            if (!second) {
                for (int i = 0; i < n; i++) v[i] = rng.nextDouble(0, 8);
                specials = new double[] {0, 1, 2, 1e-3, 100, Double.POSITIVE_INFINITY, Double.NaN};
            } else {
                for (int i = 0; i < n; i++) v[i] = rng.nextDouble(-6, 6);
                specials = new double[] {0, 1, -1, 2, 0.5, -0.5, Double.NaN};
            }
        } else if (op.isComparison()) {
            // Few distinct values, so equality happens often.
            for (int i = 0; i < n; i++) v[i] = rng.nextInt(-2, 3) * 0.5;
            specials = new double[] {0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN};
        } else {
            for (int i = 0; i < n; i++) v[i] = rng.nextDouble(-10, 10) * Math.pow(10, rng.nextInt(-4, 5));
            specials = new double[] {0, -0.0, 1, -1, 3e38, -3e38, 1e-30,
                    Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN};
        }
        sprinkle(v, specials, rng);
        return p.roundAll(v);
    }

    // ------------------------------------------------------------------ comparison

    static void assertMatches(Precision p, boolean exact, double floor, double got, double ref, String where) {
        double r = p.round(ref);
        if (Double.isNaN(r)) {
            if (!Double.isNaN(got)) fail(where + ": expected NaN, got " + got);
            return;
        }
        if (exact || Double.isInfinite(r)) {
            if (got != r) fail(where + ": expected " + r + ", got " + got);
            return;
        }
        double tol = Math.max(ULPS * p.ulp(r), floor);
        if (!(Math.abs(got - r) <= tol)) {
            fail(where + ": expected " + r + " ± " + tol + ", got " + got + " (" + (Math.abs(got - r) / p.ulp(r)) + " ulps)");
        }
    }

    static double[] padded(double[] run, int offset, double fill) {
        double[] a = new double[run.length + offset + PAD];
        Arrays.fill(a, fill);
        System.arraycopy(run, 0, a, offset, run.length);
        return a;
    }

    static void assertSentinels(double[] y, int yo, int n) {
        for (int i = 0; i < y.length; i++) {
            if (i >= yo && i < yo + n) continue;
            if (y[i] != SENTINEL) fail("element " + i + " outside the written range [" + yo + ", " + (yo + n) + ") changed to " + y[i]);
        }
    }

    static double floorFor(Precision p, UnaryOp op) {
        return op == UnaryOp.SIN || op == UnaryOp.COS ? ULPS * p.ulp(1.0) : 0;
    }

    // ------------------------------------------------------------------ unary

    @ParameterizedTest(name = "{0} {1} n={2}")
    @MethodSource("unaryCases")
    void unaryMatchesScalarDefinition(Precision p, UnaryOp op, int n) {
        double[] x = unaryInputs(op, p, n, 1000L * op.ordinal() + n);
        // Outside the run, x holds NaN: a kernel reading past its run would not show it in y, but one
        // writing past it would clobber the sentinels.
        double[] xa = padded(x, XO, Double.NaN);
        double[] y = padded(new double[n], YO, SENTINEL);
        Arrays.fill(y, YO, YO + n, -SENTINEL);
        p.unary(op, xa, XO, 1, y, YO, n);
        boolean exact = EXACT_UNARY.contains(op);
        for (int i = 0; i < n; i++) {
            assertMatches(p, exact, floorFor(p, op), y[YO + i], op.apply(x[i]), op + "(" + x[i] + ") at " + i);
        }
        assertSentinels(y, YO, n);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("unaryBroadcastCases")
    void unaryWithStrideZeroBroadcastsTheFirstElement(Precision p, UnaryOp op) {
        int n = 37;
        for (double v : unaryInputs(op, p, 6, op.ordinal())) {
            double[] xa = padded(new double[] {v, 1, 2, 3}, XO, Double.NaN);
            double[] y = padded(new double[n], YO, SENTINEL);
            p.unary(op, xa, XO, 0, y, YO, n);
            for (int i = 0; i < n; i++) {
                assertMatches(p, EXACT_UNARY.contains(op), floorFor(p, op), y[YO + i], op.apply(v), op + "(" + v + ") at " + i);
            }
            assertSentinels(y, YO, n);
        }
    }

    static Stream<Arguments> unaryBroadcastCases() {
        return Stream.of(Precision.values()).flatMap(p -> Stream.of(UnaryOp.values()).map(op -> Arguments.of(p, op)));
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void sigmoidAndSoftplusStayFiniteAndAccurateAtExtremes(Precision p) {
        double[] x = p.roundAll(new double[] {-1000, -100, -30, -1e-8, 0, 1e-8, 30, 100, 1000});
        double[] y = new double[x.length];
        p.unary(UnaryOp.SIGMOID, x, 0, 1, y, 0, x.length);
        for (double v : y) assertThat(v).isBetween(0.0, 1.0);
        assertThat(y[0]).isZero();
        assertThat(y[y.length - 1]).isEqualTo(1.0);
        p.unary(UnaryOp.SOFTPLUS, x, 0, 1, y, 0, x.length);
        assertThat(y[0]).isZero();                 // log(1 + e^-1000) underflows to 0, not NaN
        assertThat(y[y.length - 1]).isEqualTo(1000.0); // no overflow through e^1000
        assertThat(y[4]).isCloseTo(Math.log(2), org.assertj.core.data.Offset.offset(4 * p.ulp(1.0)));
    }

    // ------------------------------------------------------------------ binary

    @ParameterizedTest(name = "{0} {1} n={2}")
    @MethodSource("binaryCases")
    void binaryMatchesScalarDefinitionForEveryStridePair(Precision p, BinaryOp op, int n) {
        double[] a = binaryInputs(op, p, n, 31L * op.ordinal() + n, false);
        double[] b = binaryInputs(op, p, n, 77L * op.ordinal() + n + 1, true);
        if (n == 0) {
            // Stride-0 operands read their first element even for an empty run; give them one.
            a = p.roundAll(new double[] {1.5});
            b = p.roundAll(new double[] {2.5});
        }
        boolean exact = op != BinaryOp.POW;
        int[][] strides = {{1, 1}, {0, 1}, {1, 0}, {0, 0}};
        for (int[] s : strides) {
            int ao = XO;
            int bo = XO + 4;
            double[] aa = padded(a, ao, Double.NaN);
            double[] ba = padded(b, bo, Double.NaN);
            double[] y = padded(new double[n], YO, SENTINEL);
            Arrays.fill(y, YO, YO + n, -SENTINEL);
            p.binary(op, aa, ao, s[0], ba, bo, s[1], y, YO, n);
            for (int i = 0; i < n; i++) {
                double av = a[s[0] * i];
                double bv = b[s[1] * i];
                assertMatches(p, exact, 0, y[YO + i], op.apply(av, bv),
                        op + "(" + av + ", " + bv + ") at " + i + " strides " + Arrays.toString(s));
            }
            assertSentinels(y, YO, n);
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void binaryOutputMayAliasAnInput(Precision p) {
        int n = 1003;
        double[] a = binaryInputs(BinaryOp.ADD, p, n, 5, false);
        double[] b = binaryInputs(BinaryOp.ADD, p, n, 6, true);
        double[] y = a.clone();
        p.binary(BinaryOp.MUL, y, 0, 1, b, 0, 1, y, 0, n);
        for (int i = 0; i < n; i++) assertMatches(p, true, 0, y[i], a[i] * b[i], "a*b at " + i);
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void comparisonsYieldOneOrZeroAndFollowIeeeForNaN(Precision p) {
        double nan = Double.NaN;
        double[] a = {1, 2, nan, nan, 0, Double.NEGATIVE_INFINITY};
        double[] b = {1, 1, 1, nan, -0.0, Double.NEGATIVE_INFINITY};
        double[][] expected = {
                // EQ, NE, LT, LE, GT, GE
                {1, 0, 0, 1, 0, 1},
                {0, 1, 0, 0, 1, 1},
                {0, 1, 0, 0, 0, 0},
                {0, 1, 0, 0, 0, 0},
                {1, 0, 0, 1, 0, 1},
                {1, 0, 0, 1, 0, 1},
        };
        BinaryOp[] ops = {BinaryOp.EQ, BinaryOp.NE, BinaryOp.LT, BinaryOp.LE, BinaryOp.GT, BinaryOp.GE};
        for (int k = 0; k < ops.length; k++) {
            double[] y = new double[a.length];
            p.binary(ops[k], a, 0, 1, b, 0, 1, y, 0, a.length);
            for (int i = 0; i < a.length; i++) {
                assertThat(y[i]).as("%s(%s, %s)", ops[k], a[i], b[i]).isEqualTo(expected[i][k]);
            }
        }
    }

    @Test
    void maxAndMinPropagateNaNInBothPositions() {
        for (Precision p : Precision.values()) {
            double[] a = {Double.NaN, 1, Double.NaN};
            double[] b = {1, Double.NaN, Double.NaN};
            for (BinaryOp op : new BinaryOp[] {BinaryOp.MAX, BinaryOp.MIN}) {
                double[] y = new double[3];
                p.binary(op, a, 0, 1, b, 0, 1, y, 0, 3);
                assertThat(y).as("%s %s", p, op).containsOnly(Double.NaN);
            }
        }
    }

    // ------------------------------------------------------------------ where

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("precisionAndLength")
    void whereSelectsByNonZeroCondition(Precision p, int n) {
        SplittableRandom rng = new SplittableRandom(n);
        double[] condValues = {0, -0.0, 1, -3, Double.NaN, 1e-30, Double.POSITIVE_INFINITY};
        double[] c = new double[Math.max(n, 1)];
        double[] a = new double[Math.max(n, 1)];
        double[] b = new double[Math.max(n, 1)];
        for (int i = 0; i < c.length; i++) {
            c[i] = condValues[rng.nextInt(condValues.length)];
            a[i] = p.round(rng.nextDouble(-5, 5));
            b[i] = p.round(rng.nextDouble(100, 105));
        }
        for (int mask = 0; mask < 8; mask++) {
            int cs = mask & 1;
            int as = (mask >> 1) & 1;
            int bs = (mask >> 2) & 1;
            double[] ca = padded(c, 2, Double.NaN);
            double[] aa = padded(a, 4, Double.NaN);
            double[] ba = padded(b, 6, Double.NaN);
            double[] y = padded(new double[n], YO, SENTINEL);
            p.where(ca, 2, cs, aa, 4, as, ba, 6, bs, y, YO, n);
            for (int i = 0; i < n; i++) {
                double cv = c[cs * i];
                double expected = cv != 0 ? a[as * i] : b[bs * i];
                assertThat(y[YO + i]).as("where(%s, ...) at %d, strides %d%d%d", cv, i, cs, as, bs).isEqualTo(expected);
            }
            assertSentinels(y, YO, n);
        }
    }

    static Stream<Arguments> precisionAndLength() {
        return Stream.of(Precision.values()).flatMap(p -> Arrays.stream(LENGTHS).mapToObj(n -> Arguments.of(p, n)));
    }

    @Test
    void vectorWidthIsWhatTheLengthsAreChosenAround() {
        // The lengths above straddle multiples of 16 floats / 8 doubles (AVX-512) and of 8 / 4 (AVX2):
        // make sure the species is one of those, or the tail cases would need new lengths.
        assertThat(Precision.F32.lanes()).isIn(4, 8, 16);
        assertThat(Precision.F64.lanes()).isEqualTo(Precision.F32.lanes() / 2);
    }
}
