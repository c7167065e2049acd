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
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Im2col} and {@link ConvGeometry} against references written straight from the definitions:
 * a bounds-checked gather for im2col, a bounds-checked scatter for col2im, a direct convolution (sum over
 * the window) for im2col followed by a matrix product, and the adjoint identity
 * {@code <im2col(x), y> = <x, col2im(y)>} in double.
 */
class Im2colTest {
    private static final float SENTINEL_F = 7777f;
    private static final double SENTINEL_D = 7777d;

    /** Awkward sizes: the product of the brief's lists, minus windows that do not fit, plus asymmetric ones. */
    static Stream<ConvGeometry> geometries() {
        List<ConvGeometry> out = new ArrayList<>();
        int[][] sizes = {{1, 1}, {3, 3}, {17, 13}};
        int[] channels = {1, 3, 17};
        int n = 0;
        for (int[] hw : sizes) {
            for (int k : new int[] {1, 2, 3, 5, 7}) {
                for (int s : new int[] {1, 2, 3}) {
                    for (int p : new int[] {0, 1, 2}) {
                        for (int d : new int[] {1, 2}) {
                            if (d * (k - 1) + 1 > Math.min(hw[0], hw[1]) + 2 * p) continue;
                            // Cycle the channel count instead of multiplying the matrix by three.
                            out.add(ConvGeometry.square(channels[n++ % 3], hw[0], hw[1], k, s, p, d));
                        }
                    }
                }
            }
        }
        out.add(new ConvGeometry(3, 17, 13, 3, 1, 1, 1, 1, 0, 1, 1));
        out.add(new ConvGeometry(2, 17, 13, 1, 5, 1, 2, 0, 2, 1, 1));
        out.add(new ConvGeometry(17, 13, 17, 5, 3, 2, 3, 2, 1, 1, 2));
        out.add(new ConvGeometry(1, 9, 4, 2, 3, 3, 1, 1, 2, 2, 1));
        out.add(new ConvGeometry(3, 1, 13, 1, 7, 1, 1, 0, 3, 1, 2));
        out.add(new ConvGeometry(1, 13, 1, 7, 1, 2, 3, 3, 0, 2, 5));
        out.add(new ConvGeometry(3, 8, 8, 3, 3, 1, 1, 5, 5, 1, 1)); // padding wider than the kernel
        return out.stream();
    }

    // ------------------------------------------------------------------------------------------------
    // References

    /** x(c, ih, iw) with zero padding, read from the NCHW image at {@code off}. */
    private static double at(ConvGeometry g, double[] x, int off, int c, int ih, int iw) {
        if (ih < 0 || ih >= g.height() || iw < 0 || iw >= g.width()) return 0;
        return x[off + (c * g.height() + ih) * g.width() + iw];
    }

    private static double[] naiveIm2col(ConvGeometry g, double[] x, int off) {
        int outH = g.outHeight(), outW = g.outWidth(), cols = outH * outW;
        double[] col = new double[g.colSize()];
        for (int c = 0; c < g.channels(); c++)
            for (int i = 0; i < g.kernelH(); i++)
                for (int j = 0; j < g.kernelW(); j++) {
                    int r = (c * g.kernelH() + i) * g.kernelW() + j;
                    for (int oh = 0; oh < outH; oh++)
                        for (int ow = 0; ow < outW; ow++) {
                            int ih = oh * g.strideH() - g.padH() + i * g.dilationH();
                            int iw = ow * g.strideW() - g.padW() + j * g.dilationW();
                            col[r * cols + oh * outW + ow] = at(g, x, off, c, ih, iw);
                        }
                }
        return col;
    }

    /** img (copied) plus the scatter of col onto the positions im2col reads. */
    private static double[] naiveCol2im(ConvGeometry g, double[] col, int colOff, double[] img, int imgOff) {
        double[] res = Arrays.copyOfRange(img, imgOff, imgOff + g.inputSize());
        int outH = g.outHeight(), outW = g.outWidth(), cols = outH * outW;
        for (int c = 0; c < g.channels(); c++)
            for (int i = 0; i < g.kernelH(); i++)
                for (int j = 0; j < g.kernelW(); j++) {
                    int r = (c * g.kernelH() + i) * g.kernelW() + j;
                    for (int oh = 0; oh < outH; oh++)
                        for (int ow = 0; ow < outW; ow++) {
                            int ih = oh * g.strideH() - g.padH() + i * g.dilationH();
                            int iw = ow * g.strideW() - g.padW() + j * g.dilationW();
                            if (ih < 0 || ih >= g.height() || iw < 0 || iw >= g.width()) continue;
                            res[(c * g.height() + ih) * g.width() + iw] += col[colOff + r * cols + oh * outW + ow];
                        }
                }
        return res;
    }

    /** Direct convolution, out[f, oh, ow] = Σ_{c,i,j} w[f, c, i, j] · x(c, oh·sh − ph + i·dh, ow·sw − pw + j·dw). */
    private static double[] directConv(ConvGeometry g, double[] x, int off, double[] wt, int filters) {
        int outH = g.outHeight(), outW = g.outWidth(), kh = g.kernelH(), kw = g.kernelW();
        double[] out = new double[filters * outH * outW];
        for (int f = 0; f < filters; f++)
            for (int oh = 0; oh < outH; oh++)
                for (int ow = 0; ow < outW; ow++) {
                    double s = 0;
                    for (int c = 0; c < g.channels(); c++)
                        for (int i = 0; i < kh; i++)
                            for (int j = 0; j < kw; j++)
                                s += wt[((f * g.channels() + c) * kh + i) * kw + j]
                                        * at(g, x, off, c, oh * g.strideH() - g.padH() + i * g.dilationH(),
                                        ow * g.strideW() - g.padW() + j * g.dilationW());
                    out[(f * outH + oh) * outW + ow] = s;
                }
        return out;
    }

    /** (F × R) · (R × Q) with R = C·kh·kw, Q = OH·OW, reading col at {@code colOff}. */
    private static double[] matmul(double[] wt, int filters, double[] col, int colOff, ConvGeometry g) {
        int rows = g.colRows(), cols = g.outputPlaneSize();
        double[] out = new double[filters * cols];
        for (int f = 0; f < filters; f++)
            for (int q = 0; q < cols; q++) {
                double s = 0;
                for (int r = 0; r < rows; r++) s += wt[f * rows + r] * col[colOff + r * cols + q];
                out[f * cols + q] = s;
            }
        return out;
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

    private static void assertUntouchedOutside(double[] a, int from, int to, double sentinel) {
        for (int k = 0; k < a.length; k++) {
            if (k >= from && k < to) continue;
            assertThat(a[k]).as("element %d outside [%d, %d)", k, from, to).isEqualTo(sentinel);
        }
    }

    private static void assertUntouchedOutside(float[] a, int from, int to, float sentinel) {
        for (int k = 0; k < a.length; k++) {
            if (k >= from && k < to) continue;
            assertThat(a[k]).as("element %d outside [%d, %d)", k, from, to).isEqualTo(sentinel);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // im2col

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void im2colDoubleMatchesGatherReference(ConvGeometry g) {
        SplittableRandom rnd = new SplittableRandom(g.hashCode());
        int inOff = 5, colOff = 11;
        // Random values also outside the image: reading them would show up as a mismatch.
        double[] in = randoms(rnd, inOff + g.inputSize() + 7);
        double[] col = new double[colOff + g.colSize() + 9];
        Arrays.fill(col, SENTINEL_D); // inside the target too, so padded entries must be written as 0

        Im2col.im2col(g, in, inOff, col, colOff);

        assertThat(Arrays.copyOfRange(col, colOff, colOff + g.colSize())).containsExactly(naiveIm2col(g, in, inOff));
        assertUntouchedOutside(col, colOff, colOff + g.colSize(), SENTINEL_D);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void im2colFloatMatchesGatherReference(ConvGeometry g) {
        SplittableRandom rnd = new SplittableRandom(g.hashCode() + 1);
        int inOff = 3, colOff = 2;
        float[] in = toFloat(randoms(rnd, inOff + g.inputSize() + 4));
        float[] col = new float[colOff + g.colSize() + 5];
        Arrays.fill(col, SENTINEL_F);

        Im2col.im2col(g, in, inOff, col, colOff);

        float[] expected = toFloat(naiveIm2col(g, toDouble(in), inOff)); // a gather: exact in float
        assertThat(Arrays.copyOfRange(col, colOff, colOff + g.colSize())).containsExactly(expected);
        assertUntouchedOutside(col, colOff, colOff + g.colSize(), SENTINEL_F);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void im2colTimesFilterEqualsDirectConvolution(ConvGeometry g) {
        SplittableRandom rnd = new SplittableRandom(g.hashCode() + 2);
        int filters = 3, inOff = 4;
        double[] in = randoms(rnd, inOff + g.inputSize());
        double[] wt = randoms(rnd, filters * g.colRows());
        double[] col = new double[g.colSize()];
        Im2col.im2col(g, in, inOff, col, 0);
        float[] inF = toFloat(in);
        float[] colF = new float[g.colSize()];
        Im2col.im2col(g, inF, inOff, colF, 0);

        double[] direct = directConv(g, in, inOff, wt, filters);
        assertThat(matmul(wt, filters, col, 0, g)).containsExactly(direct, within(1e-12));
        // The float column matrix holds the float inputs exactly, so compare in double at the same tolerance.
        assertThat(matmul(wt, filters, toDouble(colF), 0, g))
                .containsExactly(directConv(g, toDouble(inF), inOff, wt, filters), within(1e-12));
    }

    // ------------------------------------------------------------------------------------------------
    // col2im

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void col2imIsTheAdjointOfIm2col(ConvGeometry g) {
        SplittableRandom rnd = new SplittableRandom(g.hashCode() + 3);
        double[] x = randoms(rnd, g.inputSize());
        double[] y = randoms(rnd, g.colSize());
        double[] colX = new double[g.colSize()];
        Im2col.im2col(g, x, 0, colX, 0);
        double[] adjY = new double[g.inputSize()];
        Im2col.col2im(g, y, 0, adjY, 0);

        double lhs = 0, rhs = 0, scale = 1;
        for (int k = 0; k < colX.length; k++) {
            lhs += colX[k] * y[k];
            scale += Math.abs(colX[k] * y[k]);
        }
        for (int k = 0; k < x.length; k++) rhs += x[k] * adjY[k];
        assertThat(rhs).isCloseTo(lhs, within(1e-10 * scale));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void col2imDoubleAccumulatesLikeScatterReference(ConvGeometry g) {
        SplittableRandom rnd = new SplittableRandom(g.hashCode() + 4);
        int colOff = 6, imgOff = 9;
        double[] col = randoms(rnd, colOff + g.colSize() + 3);
        double[] colBefore = col.clone();
        double[] img = new double[imgOff + g.inputSize() + 8];
        Arrays.fill(img, SENTINEL_D);
        double[] start = randoms(rnd, g.inputSize()); // non-zero start: col2im must add, not overwrite
        System.arraycopy(start, 0, img, imgOff, start.length);
        double[] expected = naiveCol2im(g, col, colOff, img, imgOff);

        Im2col.col2im(g, col, colOff, img, imgOff);

        assertThat(Arrays.copyOfRange(img, imgOff, imgOff + g.inputSize())).containsExactly(expected, within(1e-12));
        assertUntouchedOutside(img, imgOff, imgOff + g.inputSize(), SENTINEL_D);
        assertThat(col).containsExactly(colBefore);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void col2imFloatAccumulatesLikeScatterReference(ConvGeometry g) {
        SplittableRandom rnd = new SplittableRandom(g.hashCode() + 5);
        int colOff = 1, imgOff = 13;
        float[] col = toFloat(randoms(rnd, colOff + g.colSize() + 2));
        float[] img = new float[imgOff + g.inputSize() + 3];
        Arrays.fill(img, SENTINEL_F);
        float[] start = toFloat(randoms(rnd, g.inputSize()));
        System.arraycopy(start, 0, img, imgOff, start.length);
        double[] expected = naiveCol2im(g, toDouble(col), colOff, toDouble(img), imgOff);

        Im2col.col2im(g, col, colOff, img, imgOff);

        // At most kh·kw ≤ 49 terms of size ≤ 1 per element, summed in float.
        assertThat(toDouble(Arrays.copyOfRange(img, imgOff, imgOff + g.inputSize())))
                .containsExactly(expected, within(1e-4));
        assertUntouchedOutside(img, imgOff, imgOff + g.inputSize(), SENTINEL_F);
    }

    // ------------------------------------------------------------------------------------------------
    // Hand-checked example and argument checks

    @Test
    void smallExampleByHand() {
        // 1×3×3 image 1..9, kernel 2×2, stride 1, padding 1: output 4×4; row (i=0, j=0) reads x(oh−1, ow−1).
        ConvGeometry g = ConvGeometry.square(1, 3, 3, 2, 1, 1);
        float[] in = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        float[] col = new float[g.colSize()];
        Im2col.im2col(g, in, 0, col, 0);
        assertThat(g.colRows()).isEqualTo(4);
        assertThat(g.outputPlaneSize()).isEqualTo(16);
        assertThat(Arrays.copyOfRange(col, 0, 16)).containsExactly(
                0, 0, 0, 0,
                0, 1, 2, 3,
                0, 4, 5, 6,
                0, 7, 8, 9);
        assertThat(Arrays.copyOfRange(col, 48, 64)).containsExactly( // (i=1, j=1) reads x(oh, ow)
                1, 2, 3, 0,
                4, 5, 6, 0,
                7, 8, 9, 0,
                0, 0, 0, 0);
        float[] img = new float[9];
        Im2col.col2im(g, col, 0, img, 0);
        // Each pixel is read by all 4 taps (a 2×2 kernel with padding 1 covers every pixel 4 times).
        assertThat(img).containsExactly(4, 8, 12, 16, 20, 24, 28, 32, 36);
    }

    @Test
    void rejectsArraysTooShortForTheirOffsets() {
        ConvGeometry g = ConvGeometry.square(2, 5, 5, 3, 1, 1);
        assertThatThrownBy(() -> Im2col.im2col(g, new float[50], 1, new float[g.colSize()], 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("im2col: in needs 50 elements from offset 1 but has length 50");
        assertThatThrownBy(() -> Im2col.im2col(g, new double[50], 0, new double[g.colSize()], -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("im2col: col needs 450 elements from offset -1 but has length 450");
        assertThatThrownBy(() -> Im2col.col2im(g, new float[449], 0, new float[50], 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("col2im: col needs 450 elements from offset 0 but has length 449");
        assertThatThrownBy(() -> Im2col.col2im(g, new double[450], 0, new double[60], 11))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("col2im: img needs 50 elements from offset 11 but has length 60");
    }

    // ------------------------------------------------------------------------------------------------
    // ConvGeometry (lives here so the kernels' test filter runs it)

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void outputSizeCountsTheWindowPositionsThatFit(ConvGeometry g) {
        // Count directly: window o starts at padded coordinate o·s and its last tap must stay inside the
        // padded extent H + 2p.
        int outH = 0;
        while (outH * g.strideH() + g.dilationH() * (g.kernelH() - 1) < g.height() + 2 * g.padH()) outH++;
        int outW = 0;
        while (outW * g.strideW() + g.dilationW() * (g.kernelW() - 1) < g.width() + 2 * g.padW()) outW++;
        assertThat(g.outHeight()).isEqualTo(outH);
        assertThat(g.outWidth()).isEqualTo(outW);
        assertThat(g.colRows()).isEqualTo(g.channels() * g.kernelH() * g.kernelW());
        assertThat(g.colSize()).isEqualTo(g.colRows() * outH * outW);
        assertThat(g.inputSize()).isEqualTo(g.channels() * g.height() * g.width());
        assertThat(g.outputSize()).isEqualTo(g.channels() * outH * outW);
    }

    @Test
    void outputSizesOfFamiliarLayers() {
        assertThat(ConvGeometry.square(3, 224, 224, 7, 2, 3).outHeight()).isEqualTo(112); // ResNet stem
        assertThat(ConvGeometry.square(64, 112, 112, 3, 2, 1).outWidth()).isEqualTo(56);  // its max pool
        assertThat(ConvGeometry.square(1, 28, 28, 5, 1, 0).outHeight()).isEqualTo(24);    // LeNet-5 C1
        assertThat(ConvGeometry.square(1, 17, 17, 3, 2, 1, 2).outHeight()).isEqualTo(8);  // ⌊(17+2−4−1)/2⌋+1
        assertThat(new ConvGeometry(1, 13, 10, 5, 2, 3, 1, 2, 0, 1, 1).outHeight()).isEqualTo(5); // ⌊12/3⌋+1
        assertThat(new ConvGeometry(1, 13, 10, 5, 2, 3, 1, 2, 0, 1, 1).outWidth()).isEqualTo(9);
    }

    @Test
    void geometryErrorsNameTheOffendingValuesAndTheInput() {
        assertThatThrownBy(() -> ConvGeometry.square(1, 3, 3, 5, 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("conv geometry: kernel 5x5 with dilation 1 does not fit input 3x3 with padding 0");
        assertThatThrownBy(() -> ConvGeometry.square(2, 4, 4, 3, 1, 0, 2))
                .hasMessage("conv geometry: kernel 3x3 with dilation 2 does not fit input 4x4 with padding 0");
        assertThatThrownBy(() -> new ConvGeometry(1, 4, 9, 1, 3, 1, 1, 1, 0, 1, 5))
                .hasMessage("conv geometry: kernel 1x3 with dilation 1x5 does not fit input 4x9 with padding 1x0");
        assertThatThrownBy(() -> ConvGeometry.square(0, 3, 3, 1, 1, 0))
                .hasMessage("conv geometry: channels must be positive, got 0 (input 0x3x3)");
        assertThatThrownBy(() -> ConvGeometry.square(1, 3, 0, 1, 1, 0))
                .hasMessage("conv geometry: input size must be positive, got 3x0 (input 1x3x0)");
        assertThatThrownBy(() -> new ConvGeometry(1, 3, 3, 0, 1, 1, 1, 0, 0, 1, 1))
                .hasMessage("conv geometry: kernel must be positive, got 0x1 (input 1x3x3)");
        assertThatThrownBy(() -> new ConvGeometry(1, 3, 3, 1, 1, 1, 0, 0, 0, 1, 1))
                .hasMessage("conv geometry: stride must be positive, got 1x0 (input 1x3x3)");
        assertThatThrownBy(() -> new ConvGeometry(1, 3, 3, 1, 1, 1, 1, -1, 0, 1, 1))
                .hasMessage("conv geometry: padding must be non-negative, got -1x0 (input 1x3x3)");
        assertThatThrownBy(() -> new ConvGeometry(1, 3, 3, 1, 1, 1, 1, 0, 0, 1, 0))
                .hasMessage("conv geometry: dilation must be positive, got 1x0 (input 1x3x3)");
        assertThatThrownBy(() -> ConvGeometry.square(4096, 4096, 4096, 1, 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than 2^31-1 elements");
    }

    @Test
    void kernelThatExactlyFillsThePaddedInputIsAccepted() {
        ConvGeometry g = ConvGeometry.square(1, 3, 3, 5, 1, 1); // 3 + 2·1 = 5
        assertThat(g.outHeight()).isEqualTo(1);
        assertThat(g.outWidth()).isEqualTo(1);
    }
}
