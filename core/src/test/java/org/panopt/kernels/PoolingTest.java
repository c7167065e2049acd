package org.panopt.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Pooling} against references written from the definitions: every window tap visited in row-major
 * order with a bounds test, padding as −∞ (max) or as a counted/uncounted zero (average); backward as a
 * naive scatter-add onto a non-zero gradient (so accumulation is checked) and, for the linear average
 * pooling, the adjoint identity in double.
 */
class PoolingTest {
    private static final int BATCH = 2;
    private static final float SENTINEL_F = 7777f;
    private static final double SENTINEL_D = 7777d;

    private static List<ConvGeometry> all() {
        List<ConvGeometry> out = new ArrayList<>();
        int[][] sizes = {{1, 1}, {3, 3}, {17, 13}};
        int n = 0;
        for (int[] hw : sizes)
            for (int k : new int[] {1, 2, 3, 5})
                for (int s : new int[] {1, 2, 3})
                    for (int p : new int[] {0, 1, 2})
                        for (int d : new int[] {1, 2}) {
                            if (d * (k - 1) + 1 > Math.min(hw[0], hw[1]) + 2 * p) continue;
                            out.add(ConvGeometry.square(n++ % 2 == 0 ? 1 : 3, hw[0], hw[1], k, s, p, d));
                        }
        out.add(new ConvGeometry(3, 17, 13, 3, 2, 1, 2, 1, 0, 1, 1));  // stride < kernel: overlapping
        out.add(new ConvGeometry(2, 9, 7, 2, 3, 3, 1, 1, 1, 2, 1));
        out.add(new ConvGeometry(1, 13, 17, 5, 1, 2, 1, 2, 0, 1, 2));
        out.add(new ConvGeometry(3, 1, 13, 1, 3, 1, 1, 0, 1, 1, 1));
        return out;
    }

    /** True iff every window contains at least one input position — the kernels' precondition. */
    private static boolean everyWindowTouchesInput(ConvGeometry g) {
        for (int oh = 0; oh < g.outHeight(); oh++)
            for (int ow = 0; ow < g.outWidth(); ow++) {
                boolean any = false;
                for (int i = 0; i < g.kernelH(); i++)
                    for (int j = 0; j < g.kernelW(); j++)
                        any |= inside(g, ih(g, oh, i), iw(g, ow, j));
                if (!any) return false;
            }
        return true;
    }

    static Stream<ConvGeometry> poolable() {
        return all().stream().filter(PoolingTest::everyWindowTouchesInput);
    }

    static Stream<ConvGeometry> notPoolable() {
        return all().stream().filter(g -> !everyWindowTouchesInput(g));
    }

    private static int ih(ConvGeometry g, int oh, int i) {
        return oh * g.strideH() - g.padH() + i * g.dilationH();
    }

    private static int iw(ConvGeometry g, int ow, int j) {
        return ow * g.strideW() - g.padW() + j * g.dilationW();
    }

    private static boolean inside(ConvGeometry g, int h, int w) {
        return h >= 0 && h < g.height() && w >= 0 && w < g.width();
    }

    // ------------------------------------------------------------------------------------------------
    // References (double; one plane p = n·C + c at a time)

    /** Max over each window, padding −∞; the first of equal values wins; the first NaN beats any number. */
    private static void naiveMax(ConvGeometry g, int batch, double[] x, int off, double[] out, int[] arg) {
        int plane = g.inputPlaneSize(), outW = g.outWidth();
        for (int p = 0; p < batch * g.channels(); p++)
            for (int oh = 0; oh < g.outHeight(); oh++)
                for (int ow = 0; ow < outW; ow++) {
                    double best = Double.NEGATIVE_INFINITY;
                    int bestIdx = -1;
                    for (int i = 0; i < g.kernelH(); i++)
                        for (int j = 0; j < g.kernelW(); j++) {
                            int h = ih(g, oh, i), w = iw(g, ow, j);
                            if (!inside(g, h, w)) continue;
                            double v = x[off + p * plane + h * g.width() + w];
                            boolean take = bestIdx < 0 || v > best || (Double.isNaN(v) && !Double.isNaN(best));
                            if (take) {
                                best = v;
                                bestIdx = h * g.width() + w;
                            }
                        }
                    int o = p * g.outputPlaneSize() + oh * outW + ow;
                    out[o] = best;
                    arg[o] = bestIdx;
                }
    }

    private static double[] naiveAvg(ConvGeometry g, int batch, boolean includePad, double[] x, int off) {
        int plane = g.inputPlaneSize(), outW = g.outWidth();
        double[] out = new double[batch * g.outputSize()];
        for (int p = 0; p < batch * g.channels(); p++)
            for (int oh = 0; oh < g.outHeight(); oh++)
                for (int ow = 0; ow < outW; ow++) {
                    double sum = 0;
                    int count = 0;
                    for (int i = 0; i < g.kernelH(); i++)
                        for (int j = 0; j < g.kernelW(); j++) {
                            int h = ih(g, oh, i), w = iw(g, ow, j);
                            if (!inside(g, h, w)) continue;
                            sum += x[off + p * plane + h * g.width() + w];
                            count++;
                        }
                    out[p * g.outputPlaneSize() + oh * outW + ow] =
                            sum / (includePad ? g.kernelH() * g.kernelW() : count);
                }
        return out;
    }

    /** start (copied) + Σ over outputs of gradOut scattered to each in-image tap with weight 1/divisor. */
    private static double[] naiveAvgBackward(ConvGeometry g, int batch, boolean includePad,
                                             double[] gradOut, int goOff, double[] start) {
        double[] res = start.clone();
        int plane = g.inputPlaneSize(), outW = g.outWidth();
        for (int p = 0; p < batch * g.channels(); p++)
            for (int oh = 0; oh < g.outHeight(); oh++)
                for (int ow = 0; ow < outW; ow++) {
                    int count = 0;
                    for (int i = 0; i < g.kernelH(); i++)
                        for (int j = 0; j < g.kernelW(); j++)
                            if (inside(g, ih(g, oh, i), iw(g, ow, j))) count++;
                    double share = gradOut[goOff + p * g.outputPlaneSize() + oh * outW + ow]
                            / (includePad ? g.kernelH() * g.kernelW() : count);
                    for (int i = 0; i < g.kernelH(); i++)
                        for (int j = 0; j < g.kernelW(); j++) {
                            int h = ih(g, oh, i), w = iw(g, ow, j);
                            if (inside(g, h, w)) res[p * plane + h * g.width() + w] += share;
                        }
                }
        return res;
    }

    /** Small integers, so that windows are full of ties. */
    private static double[] tiedValues(SplittableRandom rnd, int n) {
        double[] a = new double[n];
        for (int k = 0; k < n; k++) a[k] = rnd.nextInt(-2, 3);
        return a;
    }

    private static double[] randoms(SplittableRandom rnd, int n) {
        double[] a = new double[n];
        for (int k = 0; k < n; k++) a[k] = rnd.nextDouble(-1, 1);
        return a;
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int k = 0; k < a.length; k++) f[k] = (float) a[k];
        return f;
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int k = 0; k < a.length; k++) d[k] = a[k];
        return d;
    }

    private static double[] slice(double[] a, int off, int n) {
        return Arrays.copyOfRange(a, off, off + n);
    }

    private static void assertUntouchedOutside(double[] a, int from, int to, double sentinel) {
        for (int k = 0; k < a.length; k++)
            if (k < from || k >= to) assertThat(a[k]).as("element %d outside [%d, %d)", k, from, to).isEqualTo(sentinel);
    }

    private static void assertUntouchedOutside(float[] a, int from, int to, float sentinel) {
        for (int k = 0; k < a.length; k++)
            if (k < from || k >= to) assertThat(a[k]).as("element %d outside [%d, %d)", k, from, to).isEqualTo(sentinel);
    }

    private static void assertUntouchedOutside(int[] a, int from, int to, int sentinel) {
        for (int k = 0; k < a.length; k++)
            if (k < from || k >= to) assertThat(a[k]).as("element %d outside [%d, %d)", k, from, to).isEqualTo(sentinel);
    }

    // ------------------------------------------------------------------------------------------------
    // Max pooling

    @ParameterizedTest(name = "{0}")
    @MethodSource("poolable")
    void maxPoolDoubleMatchesReferenceIncludingTies(ConvGeometry g) {
        SplittableRandom rnd = new SplittableRandom(g.hashCode());
        int inOff = 3, outOff = 5, argOff = 2, nIn = BATCH * g.inputSize(), nOut = BATCH * g.outputSize();
        double[] in = tiedValues(rnd, inOff + nIn + 4);
        double[] out = new double[outOff + nOut + 3];
        Arrays.fill(out, SENTINEL_D);
        int[] arg = new int[argOff + nOut + 6];
        Arrays.fill(arg, -7);
        double[] refOut = new double[nOut];
        int[] refArg = new int[nOut];
        naiveMax(g, BATCH, in, inOff, refOut, refArg);

        Pooling.maxPoolForward(g, BATCH, in, inOff, out, outOff, arg, argOff);

        assertThat(slice(out, outOff, nOut)).containsExactly(refOut);
        assertThat(Arrays.copyOfRange(arg, argOff, argOff + nOut)).containsExactly(refArg);
        assertUntouchedOutside(out, outOff, outOff + nOut, SENTINEL_D);
        assertUntouchedOutside(arg, argOff, argOff + nOut, -7);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("poolable")
    void maxPoolFloatMatchesReferenceIncludingTies(ConvGeometry g) {
        SplittableRandom rnd = new SplittableRandom(g.hashCode() + 1);
        int inOff = 1, outOff = 0, argOff = 9, nIn = BATCH * g.inputSize(), nOut = BATCH * g.outputSize();
        float[] in = toFloat(tiedValues(rnd, inOff + nIn + 2));
        float[] out = new float[outOff + nOut + 3];
        Arrays.fill(out, SENTINEL_F);
        int[] arg = new int[argOff + nOut];
        double[] refOut = new double[nOut];
        int[] refArg = new int[nOut];
        naiveMax(g, BATCH, toDouble(in), inOff, refOut, refArg);

        Pooling.maxPoolForward(g, BATCH, in, inOff, out, outOff, arg, argOff);

        assertThat(Arrays.copyOfRange(out, outOff, outOff + nOut)).containsExactly(toFloat(refOut));
        assertThat(Arrays.copyOfRange(arg, argOff, argOff + nOut)).containsExactly(refArg);
        assertUntouchedOutside(out, outOff, outOff + nOut, SENTINEL_F);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("poolable")
    void maxPoolWithoutArgmaxGivesTheSameValues(ConvGeometry g) {
        SplittableRandom rnd = new SplittableRandom(g.hashCode() + 2);
        int nOut = BATCH * g.outputSize();
        double[] in = randoms(rnd, BATCH * g.inputSize());
        double[] out = new double[nOut];
        double[] refOut = new double[nOut];
        naiveMax(g, BATCH, in, 0, refOut, new int[nOut]);
        Pooling.maxPoolForward(g, BATCH, in, 0, out, 0, null, 0);
        assertThat(out).containsExactly(refOut);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("poolable")
    void maxPoolBackwardScatterAddsIntoTheReferenceArgmax(ConvGeometry g) {
        SplittableRandom rnd = new SplittableRandom(g.hashCode() + 3);
        int nIn = BATCH * g.inputSize(), nOut = BATCH * g.outputSize(), plane = g.inputPlaneSize();
        int goOff = 4, argOff = 1, giOff = 6;
        double[] in = tiedValues(rnd, nIn);
        int[] arg = new int[argOff + nOut];
        double[] fwd = new double[nOut];
        Pooling.maxPoolForward(g, BATCH, in, 0, fwd, 0, arg, argOff);
        int[] refArg = new int[nOut];
        naiveMax(g, BATCH, in, 0, new double[nOut], refArg);
        double[] gradOut = randoms(rnd, goOff + nOut);
        double[] start = randoms(rnd, nIn); // non-zero: backward must accumulate
        double[] expected = start.clone();
        for (int o = 0; o < nOut; o++) expected[(o / g.outputPlaneSize()) * plane + refArg[o]] += gradOut[goOff + o];

        double[] gradIn = new double[giOff + nIn + 5];
        Arrays.fill(gradIn, SENTINEL_D);
        System.arraycopy(start, 0, gradIn, giOff, nIn);
        Pooling.maxPoolBackward(g, BATCH, gradOut, goOff, arg, argOff, gradIn, giOff);
        assertThat(slice(gradIn, giOff, nIn)).containsExactly(expected, within(1e-12));
        assertUntouchedOutside(gradIn, giOff, giOff + nIn, SENTINEL_D);

        float[] gradInF = new float[giOff + nIn + 5];
        Arrays.fill(gradInF, SENTINEL_F);
        System.arraycopy(toFloat(start), 0, gradInF, giOff, nIn);
        Pooling.maxPoolBackward(g, BATCH, toFloat(gradOut), goOff, arg, argOff, gradInF, giOff);
        assertThat(toDouble(Arrays.copyOfRange(gradInF, giOff, giOff + nIn))).containsExactly(expected, within(1e-5));
        assertUntouchedOutside(gradInF, giOff, giOff + nIn, SENTINEL_F);
    }

    // ------------------------------------------------------------------------------------------------
    // Average pooling

    static Stream<Arguments> poolableWithPadFlag() {
        return poolable().flatMap(g -> Stream.of(Arguments.of(g, true), Arguments.of(g, false)));
    }

    @ParameterizedTest(name = "{0} countIncludePad={1}")
    @MethodSource("poolableWithPadFlag")
    void avgPoolMatchesReference(ConvGeometry g, boolean includePad) {
        SplittableRandom rnd = new SplittableRandom(g.hashCode() + 4);
        int inOff = 7, outOff = 3, nIn = BATCH * g.inputSize(), nOut = BATCH * g.outputSize();
        double[] in = randoms(rnd, inOff + nIn + 2);
        double[] expected = naiveAvg(g, BATCH, includePad, in, inOff);

        double[] out = new double[outOff + nOut + 2];
        Arrays.fill(out, SENTINEL_D);
        Pooling.avgPoolForward(g, BATCH, includePad, in, inOff, out, outOff);
        assertThat(slice(out, outOff, nOut)).containsExactly(expected, within(1e-13));
        assertUntouchedOutside(out, outOff, outOff + nOut, SENTINEL_D);

        float[] inF = toFloat(in);
        float[] outF = new float[outOff + nOut + 2];
        Arrays.fill(outF, SENTINEL_F);
        Pooling.avgPoolForward(g, BATCH, includePad, inF, inOff, outF, outOff);
        assertThat(toDouble(Arrays.copyOfRange(outF, outOff, outOff + nOut)))
                .containsExactly(naiveAvg(g, BATCH, includePad, toDouble(inF), inOff), within(1e-6));
        assertUntouchedOutside(outF, outOff, outOff + nOut, SENTINEL_F);
    }

    @ParameterizedTest(name = "{0} countIncludePad={1}")
    @MethodSource("poolableWithPadFlag")
    void avgPoolBackwardIsTheAdjointOfForward(ConvGeometry g, boolean includePad) {
        SplittableRandom rnd = new SplittableRandom(g.hashCode() + 5);
        int nIn = BATCH * g.inputSize(), nOut = BATCH * g.outputSize();
        double[] x = randoms(rnd, nIn);
        double[] y = randoms(rnd, nOut);
        double[] ax = new double[nOut];
        Pooling.avgPoolForward(g, BATCH, includePad, x, 0, ax, 0);
        double[] aty = new double[nIn];
        Pooling.avgPoolBackward(g, BATCH, includePad, y, 0, aty, 0);
        double lhs = 0, rhs = 0, scale = 1;
        for (int k = 0; k < nOut; k++) {
            lhs += ax[k] * y[k];
            scale += Math.abs(ax[k] * y[k]);
        }
        for (int k = 0; k < nIn; k++) rhs += x[k] * aty[k];
        assertThat(rhs).isCloseTo(lhs, within(1e-10 * scale));
    }

    @ParameterizedTest(name = "{0} countIncludePad={1}")
    @MethodSource("poolableWithPadFlag")
    void avgPoolBackwardAccumulatesLikeScatterReference(ConvGeometry g, boolean includePad) {
        SplittableRandom rnd = new SplittableRandom(g.hashCode() + 6);
        int goOff = 2, giOff = 5, nIn = BATCH * g.inputSize(), nOut = BATCH * g.outputSize();
        double[] gradOut = randoms(rnd, goOff + nOut);
        double[] start = randoms(rnd, nIn);
        double[] expected = naiveAvgBackward(g, BATCH, includePad, gradOut, goOff, start);

        double[] gradIn = new double[giOff + nIn + 3];
        Arrays.fill(gradIn, SENTINEL_D);
        System.arraycopy(start, 0, gradIn, giOff, nIn);
        Pooling.avgPoolBackward(g, BATCH, includePad, gradOut, goOff, gradIn, giOff);
        assertThat(slice(gradIn, giOff, nIn)).containsExactly(expected, within(1e-12));
        assertUntouchedOutside(gradIn, giOff, giOff + nIn, SENTINEL_D);

        float[] gradInF = new float[giOff + nIn + 3];
        Arrays.fill(gradInF, SENTINEL_F);
        System.arraycopy(toFloat(start), 0, gradInF, giOff, nIn);
        Pooling.avgPoolBackward(g, BATCH, includePad, toFloat(gradOut), goOff, gradInF, giOff);
        assertThat(toDouble(Arrays.copyOfRange(gradInF, giOff, giOff + nIn))).containsExactly(expected, within(1e-5));
        assertUntouchedOutside(gradInF, giOff, giOff + nIn, SENTINEL_F);
    }

    // ------------------------------------------------------------------------------------------------
    // Hand-checked examples

    @Test
    void maxAndAvgOfASmallImageByHand() {
        ConvGeometry g = ConvGeometry.square(1, 3, 3, 2, 1, 0);
        float[] in = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        float[] out = new float[4];
        int[] arg = new int[4];
        Pooling.maxPoolForward(g, 1, in, 0, out, 0, arg, 0);
        assertThat(out).containsExactly(5, 6, 8, 9);
        assertThat(arg).containsExactly(4, 5, 7, 8);
        Pooling.avgPoolForward(g, 1, true, in, 0, out, 0);
        assertThat(out).containsExactly(3, 4, 6, 7);
    }

    @Test
    void tiesGoToTheFirstPositionInRowMajorWindowOrder() {
        ConvGeometry g = ConvGeometry.square(1, 4, 4, 2, 2, 0);
        double[] ones = new double[16];
        Arrays.fill(ones, 1);
        int[] arg = new int[4];
        Pooling.maxPoolForward(g, 1, ones, 0, new double[4], 0, arg, 0);
        assertThat(arg).containsExactly(0, 2, 8, 10);

        // A tie inside the window but not at its start: row 0 = [0 5 5], window 1×3 → index 1, not 2.
        ConvGeometry row = new ConvGeometry(1, 1, 3, 1, 3, 1, 1, 0, 0, 1, 1);
        Pooling.maxPoolForward(row, 1, new double[] {0, 5, 5}, 0, new double[1], 0, arg, 0);
        assertThat(arg[0]).isEqualTo(1);
    }

    @Test
    void overlappingWindowsAccumulateIntoASharedWinner() {
        // 3×3 with its maximum in the centre; kernel 2, stride 1: all four windows pick the centre.
        ConvGeometry g = ConvGeometry.square(1, 3, 3, 2, 1, 0);
        float[] in = {0, 1, 0, 2, 9, 3, 0, 4, 0};
        int[] arg = new int[4];
        Pooling.maxPoolForward(g, 1, in, 0, new float[4], 0, arg, 0);
        assertThat(arg).containsExactly(4, 4, 4, 4);
        float[] gradIn = new float[9];
        Pooling.maxPoolBackward(g, 1, new float[] {1, 10, 100, 1000}, 0, arg, 0, gradIn, 0);
        assertThat(gradIn).containsExactly(0, 0, 0, 0, 1111, 0, 0, 0, 0);

        // All equal: every window picks its own first element; the shared centre gets only window (1,1).
        float[] flat = new float[9];
        Pooling.maxPoolForward(g, 1, flat, 0, new float[4], 0, arg, 0);
        assertThat(arg).containsExactly(0, 1, 3, 4);
        Arrays.fill(gradIn, 0);
        Pooling.maxPoolBackward(g, 1, new float[] {1, 10, 100, 1000}, 0, arg, 0, gradIn, 0);
        assertThat(gradIn).containsExactly(1, 10, 0, 100, 1000, 0, 0, 0, 0);
    }

    @Test
    void paddingNeverWinsAMax() {
        ConvGeometry g = ConvGeometry.square(1, 2, 2, 3, 1, 1); // 2×2 output, every window has padding
        double[] in = {-5, -6, -7, -8};
        double[] out = new double[4];
        int[] arg = new int[4];
        Pooling.maxPoolForward(g, 1, in, 0, out, 0, arg, 0);
        assertThat(out).containsExactly(-5, -5, -5, -5);
        assertThat(arg).containsExactly(0, 0, 0, 0);

        double[] minusInf = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY,
                Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        ConvGeometry strided = ConvGeometry.square(1, 2, 2, 2, 1, 1); // 3×3 output
        double[] out9 = new double[9];
        int[] arg9 = new int[9];
        Pooling.maxPoolForward(strided, 1, minusInf, 0, out9, 0, arg9, 0);
        assertThat(out9).containsOnly(Double.NEGATIVE_INFINITY);
        // An all −∞ window reports its first in-image tap.
        assertThat(arg9).containsExactly(0, 0, 1, 0, 0, 1, 2, 2, 3);
    }

    @Test
    void nanPropagatesAndTheFirstNanWins() {
        ConvGeometry g = new ConvGeometry(1, 1, 4, 1, 4, 1, 1, 0, 0, 1, 1);
        float[] out = new float[1];
        int[] arg = new int[1];
        Pooling.maxPoolForward(g, 1, new float[] {1, Float.NaN, 7, Float.NaN}, 0, out, 0, arg, 0);
        assertThat(out[0]).isNaN();
        assertThat(arg[0]).isEqualTo(1);
        double[] outD = new double[1];
        Pooling.maxPoolForward(g, 1, new double[] {Double.NaN, 3, Double.NaN, 9}, 0, outD, 0, arg, 0);
        assertThat(outD[0]).isNaN();
        assertThat(arg[0]).isEqualTo(0);
    }

    @Test
    void countIncludePadChangesOnlyTheDivisorAtTheBorder() {
        ConvGeometry g = ConvGeometry.square(1, 3, 3, 3, 1, 1);
        double[] in = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        double[] with = new double[9];
        double[] without = new double[9];
        Pooling.avgPoolForward(g, 1, true, in, 0, with, 0);
        Pooling.avgPoolForward(g, 1, false, in, 0, without, 0);
        assertThat(with[0]).isCloseTo(12.0 / 9, within(1e-15));   // (1+2+4+5)/9, as torch count_include_pad=True
        assertThat(without[0]).isCloseTo(12.0 / 4, within(1e-15)); // (1+2+4+5)/4
        assertThat(with[1]).isCloseTo(21.0 / 9, within(1e-15));
        assertThat(without[1]).isCloseTo(21.0 / 6, within(1e-15));
        assertThat(with[4]).isEqualTo(5.0);
        assertThat(without[4]).isEqualTo(5.0);

        float[] gradIn = new float[9];
        Pooling.avgPoolBackward(g, 1, false, new float[] {4, 0, 0, 0, 0, 0, 0, 0, 0}, 0, gradIn, 0);
        assertThat(gradIn).containsExactly(1, 1, 0, 1, 1, 0, 0, 0, 0);
        Arrays.fill(gradIn, 0);
        Pooling.avgPoolBackward(g, 1, true, new float[] {9, 0, 0, 0, 0, 0, 0, 0, 0}, 0, gradIn, 0);
        assertThat(gradIn).containsExactly(1, 1, 0, 1, 1, 0, 0, 0, 0);
    }

    // ------------------------------------------------------------------------------------------------
    // Argument checks

    @ParameterizedTest(name = "{0}")
    @MethodSource("notPoolable")
    void windowsEntirelyInThePaddingAreRejected(ConvGeometry g) {
        int nIn = g.inputSize(), nOut = g.outputSize();
        assertThatThrownBy(() -> Pooling.maxPoolForward(g, 1, new float[nIn], 0, new float[nOut], 0, new int[nOut], 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("max pool forward: the window of output ")
                .hasMessageContaining("lies entirely in the padding");
        assertThatThrownBy(() -> Pooling.avgPoolForward(g, 1, false, new double[nIn], 0, new double[nOut], 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lies entirely in the padding");
    }

    @Test
    void notPoolableCasesExist() {
        // Guards the test above against an empty source: H = 1, kernel 2, dilation 2, padding 1 reads −1 and 1.
        assertThat(notPoolable().anyMatch(g -> g.height() == 1 && g.kernelH() == 2 && g.padH() == 1
                && g.dilationH() == 2)).isTrue();
        assertThatThrownBy(() -> Pooling.maxPoolForward(ConvGeometry.square(1, 2, 2, 2, 1, 1, 3), 1,
                new double[4], 0, new double[1], 0, null, 0))
                .hasMessageStartingWith("max pool forward: the window of output row 0 lies entirely in the padding");
    }

    @Test
    void rejectsBadBatchArraysAndArgmax() {
        ConvGeometry g = ConvGeometry.square(2, 4, 4, 2, 2, 0); // input 32, output 8 per image
        assertThatThrownBy(() -> Pooling.maxPoolForward(g, -1, new float[0], 0, new float[0], 0, null, 0))
                .hasMessageStartingWith("max pool forward: batch must be non-negative, got -1");
        assertThatThrownBy(() -> Pooling.maxPoolForward(g, 2, new float[64], 1, new float[16], 0, null, 0))
                .hasMessageStartingWith("max pool forward: in needs 2 x 32 elements from offset 1 but has length 64");
        assertThatThrownBy(() -> Pooling.maxPoolForward(g, 2, new double[64], 0, new double[16], 0, new int[15], 0))
                .hasMessageStartingWith("max pool forward: argmax needs 2 x 8 elements from offset 0 but has length 15");
        assertThatThrownBy(() -> Pooling.avgPoolBackward(g, 1, true, new double[8], 0, new double[31], 0))
                .hasMessageStartingWith("avg pool backward: gradIn needs 1 x 32 elements from offset 0 but has length 31");
        int[] arg = new int[8];
        arg[5] = 16;
        assertThatThrownBy(() -> Pooling.maxPoolBackward(g, 1, new float[8], 0, arg, 0, new float[32], 0))
                .hasMessage("max pool backward: argmax[5] = 16 is outside the input plane [0, 16)");
        // batch 0 is a no-op, even with empty arrays
        Pooling.avgPoolForward(g, 0, false, new float[0], 0, new float[0], 0);
    }
}
