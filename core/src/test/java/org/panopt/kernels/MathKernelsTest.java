package org.panopt.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.panopt.kernels.MathAccuracy.Fn;
import org.panopt.kernels.MathAccuracy.Worst;

/**
 * The math kernels of {@link FloatMath} and {@link DoubleMath} (through {@link FloatMaps#unary} and
 * {@link DoubleMaps#unary}): accuracy against {@link StrictMath} over sweeps of the whole range and random inputs,
 * special values, independence of a lane's result from its position and the run's length, and the fixed order in
 * which sums add their lanes.
 *
 * <p>Bounds: 2 ulps of the float32 result against the reference evaluated in double (whose own error is far
 * below a float ulp); 2 ulps of the float64 result against StrictMath (itself up to about 1.9 ulps off, for
 * tanh), 3 for the composite sigmoid and softplus against their formula evaluated exactly around StrictMath's exp
 * and log1p.
 * The figures measured are in the Javadoc of {@link FloatMath} and {@link DoubleMath}.
 */
class MathKernelsTest {
    static final double FLOAT_ULPS = 2;

    static double doubleUlps(Fn fn) {
        return fn == Fn.SIGMOID || fn == Fn.SOFTPLUS ? 3 : 2;
    }

    // ------------------------------------------------------------------ accuracy

    @ParameterizedTest
    @EnumSource(Fn.class)
    void float32IsWithinTwoUlpsOverASweepOfEveryBinadeAndRandomInputs(Fn fn) {
        Worst worst = MathAccuracy.sweepFloat(fn);
        assertThat(worst.ulps()).as("float32 %s: %s", fn, worst).isLessThanOrEqualTo(FLOAT_ULPS);
    }

    @ParameterizedTest
    @EnumSource(Fn.class)
    void float64IsWithinTwoUlpsOfStrictMathOverASweepAndRandomInputs(Fn fn) {
        Worst worst = MathAccuracy.sweepDouble(fn);
        assertThat(worst.ulps()).as("float64 %s: %s", fn, worst).isLessThanOrEqualTo(doubleUlps(fn));
    }

    /** Inputs at and next to the places where a function's behaviour changes, for both precisions. */
    static double[] edges(boolean single) {
        double[] points = single
                ? new double[] {88.72283935546875, 88.3762626647949, -87.33654475055310, -103.97207708399179,
                        -103.27892990343184, 0.55, 10, 30, 80, 1, 2, 0.5, -0.5, 0x1p-126, 0x1p-149, Float.MAX_VALUE}
                : new double[] {709.782712893384, -708.3964185322641, -745.1332191019411, -744.4400719213812,
                        0.55, 20, 40, 700, 1, 2, 0.5, -0.5, 0x1p-1022, Double.MIN_VALUE, Double.MAX_VALUE};
        List<Double> v = new ArrayList<>(List.of(0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, -1.0, -2.0, Math.log(2), -Math.log(2), Math.log(2) / 2));
        for (double p : points) {
            for (double s : new double[] {p, -p}) {
                if (single) {
                    float f = (float) s;
                    v.add((double) Math.nextDown(f));
                    v.add((double) f);
                    v.add((double) Math.nextUp(f));
                } else {
                    v.add(Math.nextDown(s));
                    v.add(s);
                    v.add(Math.nextUp(s));
                }
            }
        }
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }

    @ParameterizedTest
    @EnumSource(Fn.class)
    void specialValuesAndThresholdsFollowStrictMath(Fn fn) {
        // ulpsFloat/ulpsDouble are infinite when NaN, ±∞ or the sign of a zero differ from the reference.
        double[] d = edges(false);
        double[] e = edges(true);
        float[] f = new float[e.length];
        for (int i = 0; i < e.length; i++) f[i] = (float) e[i];
        Worst single = MathAccuracy.measureFloat(fn, f);
        Worst dbl = MathAccuracy.measureDouble(fn, d);
        assertThat(single.ulps()).as("float32 %s: %s", fn, single).isLessThanOrEqualTo(FLOAT_ULPS);
        assertThat(dbl.ulps()).as("float64 %s: %s", fn, dbl).isLessThanOrEqualTo(doubleUlps(fn));
    }

    @Test
    void theUlpMeasureSeesAnErrorOfOneUlpAndAMismatchedSpecialValue() {
        // The measure the bounds above rely on: it must be able to fail.
        assertThat(MathAccuracy.ulpsFloat(Math.nextUp(1.5f), 1.5)).isEqualTo(1.0);
        assertThat(MathAccuracy.ulpsFloat(1.0f, Math.nextDown(1.0))).isLessThan(1e-8);
        assertThat(MathAccuracy.ulpsFloat(0.0f, -0.0)).isInfinite();
        assertThat(MathAccuracy.ulpsFloat(Float.MAX_VALUE, Double.POSITIVE_INFINITY)).isInfinite();
        assertThat(MathAccuracy.ulpsDouble(Math.nextUp(3.0), 3.0)).isEqualTo(1.0);
        assertThat(MathAccuracy.ulpsDouble(Math.nextDown(4.0), 4.0)).isEqualTo(1.0); // the binade below 4's spacing
        assertThat(MathAccuracy.ulpsDouble(Double.NaN, 1.0)).isInfinite();
    }

    @Test
    void exactCases() {
        float[] x = {0f, -0f, 1f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
        float[] y = new float[x.length];
        FloatMaps.unary(UnaryOp.EXP, x, 0, 1, y, 0, x.length);
        assertThat(y).containsExactly(1f, 1f, (float) Math.E, 0f, Float.POSITIVE_INFINITY);
        FloatMaps.unary(UnaryOp.LOG, new float[] {1f, 0f, -0f, -1f, Float.POSITIVE_INFINITY}, 0, 1, y, 0, 5);
        assertThat(y).containsExactly(0f, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.POSITIVE_INFINITY);
        double[] dx = {0, -0.0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, -1};
        double[] dy = new double[5];
        DoubleMaps.unary(UnaryOp.TANH, dx, 0, 1, dy, 0, 4);
        assertThat(dy).startsWith(0.0, -0.0, -1.0, 1.0);
        assertThat(Double.doubleToRawLongBits(dy[1])).isEqualTo(Double.doubleToRawLongBits(-0.0));
        DoubleMaps.unary(UnaryOp.LOG1P, dx, 0, 1, dy, 0, 5);
        assertThat(dy).containsExactly(0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
        DoubleMaps.unary(UnaryOp.EXPM1, dx, 0, 1, dy, 0, 4);
        assertThat(dy).startsWith(0.0, -0.0, -1.0, Double.POSITIVE_INFINITY);
        assertThat(Double.doubleToRawLongBits(dy[1])).isEqualTo(Double.doubleToRawLongBits(-0.0));
    }

    @Test
    void tinyArgumentsComeBackUnchangedFromExpm1Log1pAndTanh() {
        // f(x) = x + O(x²) rounds to x itself for these (as in StrictMath), down to the smallest subnormal.
        float[] x = {Float.MIN_VALUE, -Float.MIN_VALUE, 1e-40f, -3e-39f, 0x1p-126f, 1e-30f, -1e-20f, 0x1p-26f};
        double[] xd = {Double.MIN_VALUE, -Double.MIN_VALUE, 1e-310, -3e-309, 0x1p-1022, 1e-200, -1e-100, 0x1p-55};
        for (UnaryOp op : new UnaryOp[] {UnaryOp.EXPM1, UnaryOp.LOG1P, UnaryOp.TANH}) {
            float[] y = new float[x.length];
            FloatMaps.unary(op, x, 0, 1, y, 0, x.length);
            assertThat(y).as("f32 %s", op).containsExactly(x);
            double[] yd = new double[xd.length];
            DoubleMaps.unary(op, xd, 0, 1, yd, 0, xd.length);
            assertThat(yd).as("f64 %s", op).containsExactly(xd);
        }
    }

    // ------------------------------------------------------------------ position independence

    @Test
    void everyElementGetsTheSameBitsWhereverItSitsAndWhateverTheRunLength() {
        // An element in a full vector, in a masked tail, alone, or broadcast by a stride-0 operand: one result.
        double[] mixed = KernelFingerprint.mixedInputs(21);
        float[] xf = new float[mixed.length];
        for (int i = 0; i < mixed.length; i++) xf[i] = (float) mixed[i];
        int lanes = Precision.F32.lanes();
        for (UnaryOp op : UnaryOp.values()) {
            float[] full = new float[xf.length];
            FloatMaps.unary(op, xf, 0, 1, full, 0, xf.length);
            double[] fullD = new double[mixed.length];
            DoubleMaps.unary(op, mixed, 0, 1, fullD, 0, mixed.length);
            for (int start = 0; start < 3 * lanes; start += 5) {
                for (int n = 1; n <= 2 * lanes + 1 && start + n <= xf.length; n += 3) {
                    float[] part = new float[n];
                    FloatMaps.unary(op, xf, start, 1, part, 0, n);
                    double[] partD = new double[n];
                    DoubleMaps.unary(op, mixed, start, 1, partD, 0, n);
                    for (int i = 0; i < n; i++) {
                        sameBits(op + " f32 at " + (start + i) + " in a run of " + n, full[start + i], part[i]);
                        sameBits(op + " f64 at " + (start + i) + " in a run of " + n, fullD[start + i], partD[i]);
                    }
                }
            }
            for (int i = 0; i < xf.length; i += 37) {
                float[] b = new float[3];
                FloatMaps.unary(op, xf, i, 0, b, 0, 3);
                sameBits(op + " f32 broadcast of element " + i, full[i], b[2]);
                double[] bd = new double[3];
                DoubleMaps.unary(op, mixed, i, 0, bd, 0, 3);
                sameBits(op + " f64 broadcast of element " + i, fullD[i], bd[2]);
            }
        }
    }

    private static void sameBits(String where, float expected, float got) {
        if (Float.floatToIntBits(expected) != Float.floatToIntBits(got)) fail(where + ": " + got + " but " + expected + " in the full run");
    }

    private static void sameBits(String where, double expected, double got) {
        if (Double.doubleToLongBits(expected) != Double.doubleToLongBits(got)) fail(where + ": " + got + " but " + expected + " in the full run");
    }

    // ------------------------------------------------------------------ summation order

    @Test
    void sumsAndDotProductsAddInTheDocumentedOrder() {
        // Two lane-wise accumulators over pairs of vectors, the rest into the first; then their lanes in the fixed
        // tree of sumLanes. Reproduced here in scalar code, bit for bit: a change of order (reduceLanes) fails.
        SplittableRandom rng = new SplittableRandom(3);
        for (int n : new int[] {1, 3, 15, 16, 17, 31, 33, 255, 1000, 1003}) {
            float[] x = new float[n + 2];
            float[] y = new float[n + 2];
            double[] xd = new double[n + 2];
            double[] yd = new double[n + 2];
            for (int i = 0; i < n + 2; i++) {
                xd[i] = rng.nextDouble(-1, 1) * Math.scalb(1.0, rng.nextInt(-20, 20));
                yd[i] = rng.nextDouble(-1, 1);
                x[i] = (float) xd[i];
                y[i] = (float) yd[i];
            }
            assertThat(Float.floatToIntBits(FloatMaps.reduce(ReduceOp.SUM, x, 2, n)))
                    .as("f32 sum n=%d", n).isEqualTo(Float.floatToIntBits(modelSum(x, 2, n, Precision.F32.lanes())));
            assertThat(Float.floatToIntBits(FloatMaps.dot(x, 2, y, 1, n)))
                    .as("f32 dot n=%d", n).isEqualTo(Float.floatToIntBits(modelSumOfProducts(x, y, 2, 1, n, Precision.F32.lanes())));
            assertThat(Double.doubleToLongBits(DoubleMaps.reduce(ReduceOp.SUM, xd, 2, n)))
                    .as("f64 sum n=%d", n).isEqualTo(Double.doubleToLongBits(modelSum(xd, 2, n, Precision.F64.lanes())));
            assertThat(Double.doubleToLongBits(DoubleMaps.dot(xd, 2, yd, 1, n)))
                    .as("f64 dot n=%d", n).isEqualTo(Double.doubleToLongBits(modelDot(xd, yd, 2, 1, n, Precision.F64.lanes())));
            // Float elements widened to double: exact products, so the same bits as the dot of the widened arrays.
            double[] xw = new double[n + 2];
            double[] yw = new double[n + 2];
            for (int i = 0; i < n + 2; i++) {
                xw[i] = x[i];
                yw[i] = y[i];
            }
            assertThat(Double.doubleToLongBits(WidenedDot.dot(x, 2, y, 1, n)))
                    .as("dot of floats in double n=%d", n).isEqualTo(Double.doubleToLongBits(modelDot(xw, yw, 2, 1, n, Precision.F64.lanes())));
        }
    }

    private static float modelSum(float[] x, int xo, int n, int lanes) {
        return modelSumOfProducts(x, null, xo, 0, n, lanes);
    }

    /** Σ x[i] (y == null) or Σ x[i]·y[i] by fma, in the kernels' order, in float arithmetic. */
    private static float modelSumOfProducts(float[] x, float[] y, int xo, int yo, int n, int lanes) {
        float[][] acc = new float[2][lanes];
        int i = 0;
        for (; i <= n - 2 * lanes; i += 2 * lanes) {
            for (int l = 0; l < lanes; l++) {
                acc[0][l] = step(acc[0][l], x, y, xo + i + l, yo + i + l);
                acc[1][l] = step(acc[1][l], x, y, xo + i + lanes + l, yo + i + lanes + l);
            }
        }
        for (; i < n; i += lanes) {
            // Masked-off lanes load 0: they add +0 (or 0·0 by fma).
            for (int l = 0; l < lanes; l++) acc[0][l] = i + l < n ? step(acc[0][l], x, y, xo + i + l, yo + i + l) : acc[0][l] + 0f;
        }
        float[] v = new float[lanes];
        for (int l = 0; l < lanes; l++) v[l] = acc[0][l] + acc[1][l];
        for (int w = lanes / 2; w >= 1; w /= 2) {
            float[] next = new float[lanes];
            for (int l = 0; l < lanes; l++) next[l] = v[l] + v[(l + w) % lanes];
            v = next;
        }
        return v[0];
    }

    private static float step(float acc, float[] x, float[] y, int xi, int yi) {
        return y == null ? acc + x[xi] : Math.fma(x[xi], y[yi], acc);
    }

    private static double modelSum(double[] x, int xo, int n, int lanes) {
        return modelDot(x, null, xo, 0, n, lanes);
    }

    /** The double twin of {@link #modelSumOfProducts}. */
    private static double modelDot(double[] x, double[] y, int xo, int yo, int n, int lanes) {
        double[][] acc = new double[2][lanes];
        int i = 0;
        for (; i <= n - 2 * lanes; i += 2 * lanes) {
            for (int l = 0; l < lanes; l++) {
                acc[0][l] = step(acc[0][l], x, y, xo + i + l, yo + i + l);
                acc[1][l] = step(acc[1][l], x, y, xo + i + lanes + l, yo + i + lanes + l);
            }
        }
        for (; i < n; i += lanes) {
            for (int l = 0; l < lanes; l++) acc[0][l] = i + l < n ? step(acc[0][l], x, y, xo + i + l, yo + i + l) : acc[0][l] + 0.0;
        }
        double[] v = new double[lanes];
        for (int l = 0; l < lanes; l++) v[l] = acc[0][l] + acc[1][l];
        for (int w = lanes / 2; w >= 1; w /= 2) {
            double[] next = new double[lanes];
            for (int l = 0; l < lanes; l++) next[l] = v[l] + v[(l + w) % lanes];
            v = next;
        }
        return v[0];
    }

    private static double step(double acc, double[] x, double[] y, int xi, int yi) {
        return y == null ? acc + x[xi] : Math.fma(x[xi], y[yi], acc);
    }
}
