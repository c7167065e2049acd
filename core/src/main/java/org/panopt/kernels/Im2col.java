package org.panopt.kernels;

import java.util.Arrays;
import java.util.Objects;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * im2col and its adjoint col2im for one NCHW image, the data movement that turns a 2-D convolution into a
 * GEMM: {@code out[F × OH·OW] = weight[F × C·kh·kw] · col[C·kh·kw × OH·OW]}.
 *
 * <p>Layout. The image is {@code C×H×W} row-major starting at {@code inOff}: element {@code (c, h, w)} at
 * {@code inOff + (c·H + h)·W + w}. The column matrix is {@code (C·kh·kw) × (OH·OW)} row-major starting at
 * {@code colOff}: row {@code r = (c·kh + i)·kw + j} (channel, kernel row, kernel column — the same order as
 * a PyTorch weight {@code [F, C, kh, kw]} flattened to {@code [F, C·kh·kw]}), column {@code oh·OW + ow}.
 * With {@link ConvGeometry} supplying {@code OH, OW} and the window,
 * <pre>
 *   col[r, oh·OW + ow] = in[c, oh·sh − ph + i·dh, ow·sw − pw + j·dw]   (0 where that position is padding)
 * </pre>
 * {@link #col2im} is the transpose of that linear map: every column entry is <em>added</em> to the image
 * element it was read from ({@code +=}; entries for padded positions are dropped). Overlapping windows
 * therefore sum, which is exactly the gradient of im2col. The caller zeros the image first when it wants
 * the plain adjoint rather than an accumulation.
 *
 * <p>The public methods check the arrays and offsets once; the loops below them do no per-element bounds
 * tests: for each kernel tap the range of output positions that reads inside the image is computed up
 * front, the rest is zero-filled. With horizontal stride 1 an in-image run is one {@code System.arraycopy}
 * (im2col) or one vector add (col2im); other strides gather with index arithmetic. Nothing is allocated.
 */
public final class Im2col {
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;

    private Im2col() {
    }

    /**
     * Writes the {@code (C·kh·kw) × (OH·OW)} column matrix of the image {@code in[inOff ..]} into
     * {@code col[colOff ..]}, overwriting all {@link ConvGeometry#colSize()} entries (padding becomes 0).
     *
     * @throws IllegalArgumentException if an array is too short for its offset and the geometry
     */
    public static void im2col(ConvGeometry g, float[] in, int inOff, float[] col, int colOff) {
        Objects.requireNonNull(g, "geometry");
        checkRange("im2col", "in", Objects.requireNonNull(in, "in").length, inOff, g.inputSize(), g);
        checkRange("im2col", "col", Objects.requireNonNull(col, "col").length, colOff, g.colSize(), g);
        im2colUnchecked(g, in, inOff, col, colOff);
    }

    /** Double-precision {@link #im2col(ConvGeometry, float[], int, float[], int)}. */
    public static void im2col(ConvGeometry g, double[] in, int inOff, double[] col, int colOff) {
        Objects.requireNonNull(g, "geometry");
        checkRange("im2col", "in", Objects.requireNonNull(in, "in").length, inOff, g.inputSize(), g);
        checkRange("im2col", "col", Objects.requireNonNull(col, "col").length, colOff, g.colSize(), g);
        im2colUnchecked(g, in, inOff, col, colOff);
    }

    /**
     * Adds the column matrix {@code col[colOff ..]} back into the image {@code img[imgOff ..]}:
     * {@code img[c, ih, iw] += col[r, oh·OW + ow]} for every entry that im2col would have read from
     * {@code (c, ih, iw)}. Accumulates; zero {@code img} first for the plain adjoint.
     *
     * @throws IllegalArgumentException if an array is too short for its offset and the geometry
     */
    public static void col2im(ConvGeometry g, float[] col, int colOff, float[] img, int imgOff) {
        Objects.requireNonNull(g, "geometry");
        checkRange("col2im", "col", Objects.requireNonNull(col, "col").length, colOff, g.colSize(), g);
        checkRange("col2im", "img", Objects.requireNonNull(img, "img").length, imgOff, g.inputSize(), g);
        col2imUnchecked(g, col, colOff, img, imgOff);
    }

    /** Double-precision {@link #col2im(ConvGeometry, float[], int, float[], int)}. */
    public static void col2im(ConvGeometry g, double[] col, int colOff, double[] img, int imgOff) {
        Objects.requireNonNull(g, "geometry");
        checkRange("col2im", "col", Objects.requireNonNull(col, "col").length, colOff, g.colSize(), g);
        checkRange("col2im", "img", Objects.requireNonNull(img, "img").length, imgOff, g.inputSize(), g);
        col2imUnchecked(g, col, colOff, img, imgOff);
    }

    // ------------------------------------------------------------------------------------------------
    // Unchecked kernels. For kernel tap (i, j), output rows [ohLo, ohHi) and output columns [owLo, owHi)
    // are exactly those whose input position lies inside the image; everything else in that column-matrix
    // row is padding.

    static void im2colUnchecked(ConvGeometry g, float[] in, int inOff, float[] col, int colOff) {
        final int h = g.height(), w = g.width(), kh = g.kernelH(), kw = g.kernelW();
        final int sh = g.strideH(), sw = g.strideW(), ph = g.padH(), pw = g.padW();
        final int dh = g.dilationH(), dw = g.dilationW();
        final int outH = g.outHeight(), outW = g.outWidth(), plane = h * w, cols = outH * outW;
        int row = colOff;
        for (int c = 0; c < g.channels(); c++) {
            final int chan = inOff + c * plane;
            for (int i = 0; i < kh; i++) {
                final int ohLo = ConvGeometry.outputsLo(i, sh, ph, dh);
                final int ohHi = ConvGeometry.outputsHi(i, sh, ph, dh, h, outH, ohLo);
                for (int j = 0; j < kw; j++, row += cols) {
                    final int owLo = ConvGeometry.outputsLo(j, sw, pw, dw);
                    final int owHi = ConvGeometry.outputsHi(j, sw, pw, dw, w, outW, owLo);
                    final int run = owHi - owLo;
                    if (run == 0 || ohHi == ohLo) {
                        Arrays.fill(col, row, row + cols, 0f);
                        continue;
                    }
                    Arrays.fill(col, row, row + ohLo * outW, 0f);
                    int dst = row + ohLo * outW;
                    int src = chan + (ohLo * sh - ph + i * dh) * w + owLo * sw - pw + j * dw;
                    for (int oh = ohLo; oh < ohHi; oh++, dst += outW, src += sh * w) {
                        if (owLo > 0) Arrays.fill(col, dst, dst + owLo, 0f);
                        if (sw == 1) {
                            System.arraycopy(in, src, col, dst + owLo, run);
                        } else {
                            for (int k = 0, d = dst + owLo, s = src; k < run; k++, d++, s += sw) col[d] = in[s];
                        }
                        if (owHi < outW) Arrays.fill(col, dst + owHi, dst + outW, 0f);
                    }
                    Arrays.fill(col, dst, row + cols, 0f);
                }
            }
        }
    }

    static void im2colUnchecked(ConvGeometry g, double[] in, int inOff, double[] col, int colOff) {
        final int h = g.height(), w = g.width(), kh = g.kernelH(), kw = g.kernelW();
        final int sh = g.strideH(), sw = g.strideW(), ph = g.padH(), pw = g.padW();
        final int dh = g.dilationH(), dw = g.dilationW();
        final int outH = g.outHeight(), outW = g.outWidth(), plane = h * w, cols = outH * outW;
        int row = colOff;
        for (int c = 0; c < g.channels(); c++) {
            final int chan = inOff + c * plane;
            for (int i = 0; i < kh; i++) {
                final int ohLo = ConvGeometry.outputsLo(i, sh, ph, dh);
                final int ohHi = ConvGeometry.outputsHi(i, sh, ph, dh, h, outH, ohLo);
                for (int j = 0; j < kw; j++, row += cols) {
                    final int owLo = ConvGeometry.outputsLo(j, sw, pw, dw);
                    final int owHi = ConvGeometry.outputsHi(j, sw, pw, dw, w, outW, owLo);
                    final int run = owHi - owLo;
                    if (run == 0 || ohHi == ohLo) {
                        Arrays.fill(col, row, row + cols, 0d);
                        continue;
                    }
                    Arrays.fill(col, row, row + ohLo * outW, 0d);
                    int dst = row + ohLo * outW;
                    int src = chan + (ohLo * sh - ph + i * dh) * w + owLo * sw - pw + j * dw;
                    for (int oh = ohLo; oh < ohHi; oh++, dst += outW, src += sh * w) {
                        if (owLo > 0) Arrays.fill(col, dst, dst + owLo, 0d);
                        if (sw == 1) {
                            System.arraycopy(in, src, col, dst + owLo, run);
                        } else {
                            for (int k = 0, d = dst + owLo, s = src; k < run; k++, d++, s += sw) col[d] = in[s];
                        }
                        if (owHi < outW) Arrays.fill(col, dst + owHi, dst + outW, 0d);
                    }
                    Arrays.fill(col, dst, row + cols, 0d);
                }
            }
        }
    }

    static void col2imUnchecked(ConvGeometry g, float[] col, int colOff, float[] img, int imgOff) {
        final int h = g.height(), w = g.width(), kh = g.kernelH(), kw = g.kernelW();
        final int sh = g.strideH(), sw = g.strideW(), ph = g.padH(), pw = g.padW();
        final int dh = g.dilationH(), dw = g.dilationW();
        final int outH = g.outHeight(), outW = g.outWidth(), plane = h * w, cols = outH * outW;
        int row = colOff;
        for (int c = 0; c < g.channels(); c++) {
            final int chan = imgOff + c * plane;
            for (int i = 0; i < kh; i++) {
                final int ohLo = ConvGeometry.outputsLo(i, sh, ph, dh);
                final int ohHi = ConvGeometry.outputsHi(i, sh, ph, dh, h, outH, ohLo);
                for (int j = 0; j < kw; j++, row += cols) {
                    final int owLo = ConvGeometry.outputsLo(j, sw, pw, dw);
                    final int owHi = ConvGeometry.outputsHi(j, sw, pw, dw, w, outW, owLo);
                    final int run = owHi - owLo;
                    if (run == 0) continue;
                    int src = row + ohLo * outW + owLo;
                    int dst = chan + (ohLo * sh - ph + i * dh) * w + owLo * sw - pw + j * dw;
                    for (int oh = ohLo; oh < ohHi; oh++, src += outW, dst += sh * w) {
                        if (sw == 1) {
                            addInto(col, src, img, dst, run);
                        } else {
                            for (int k = 0, s = src, d = dst; k < run; k++, s++, d += sw) img[d] += col[s];
                        }
                    }
                }
            }
        }
    }

    static void col2imUnchecked(ConvGeometry g, double[] col, int colOff, double[] img, int imgOff) {
        final int h = g.height(), w = g.width(), kh = g.kernelH(), kw = g.kernelW();
        final int sh = g.strideH(), sw = g.strideW(), ph = g.padH(), pw = g.padW();
        final int dh = g.dilationH(), dw = g.dilationW();
        final int outH = g.outHeight(), outW = g.outWidth(), plane = h * w, cols = outH * outW;
        int row = colOff;
        for (int c = 0; c < g.channels(); c++) {
            final int chan = imgOff + c * plane;
            for (int i = 0; i < kh; i++) {
                final int ohLo = ConvGeometry.outputsLo(i, sh, ph, dh);
                final int ohHi = ConvGeometry.outputsHi(i, sh, ph, dh, h, outH, ohLo);
                for (int j = 0; j < kw; j++, row += cols) {
                    final int owLo = ConvGeometry.outputsLo(j, sw, pw, dw);
                    final int owHi = ConvGeometry.outputsHi(j, sw, pw, dw, w, outW, owLo);
                    final int run = owHi - owLo;
                    if (run == 0) continue;
                    int src = row + ohLo * outW + owLo;
                    int dst = chan + (ohLo * sh - ph + i * dh) * w + owLo * sw - pw + j * dw;
                    for (int oh = ohLo; oh < ohHi; oh++, src += outW, dst += sh * w) {
                        if (sw == 1) {
                            addInto(col, src, img, dst, run);
                        } else {
                            for (int k = 0, s = src, d = dst; k < run; k++, s++, d += sw) img[d] += col[s];
                        }
                    }
                }
            }
        }
    }

    /** {@code dst[d + k] += src[s + k]} for {@code k < n}; element-wise, so the result is order-independent. */
    private static void addInto(float[] src, int s, float[] dst, int d, int n) {
        int k = 0;
        for (int bound = FLOATS.loopBound(n); k < bound; k += FLOATS.length()) {
            FloatVector.fromArray(FLOATS, dst, d + k).add(FloatVector.fromArray(FLOATS, src, s + k))
                    .intoArray(dst, d + k);
        }
        for (; k < n; k++) dst[d + k] += src[s + k];
    }

    private static void addInto(double[] src, int s, double[] dst, int d, int n) {
        int k = 0;
        for (int bound = DOUBLES.loopBound(n); k < bound; k += DOUBLES.length()) {
            DoubleVector.fromArray(DOUBLES, dst, d + k).add(DoubleVector.fromArray(DOUBLES, src, s + k))
                    .intoArray(dst, d + k);
        }
        for (; k < n; k++) dst[d + k] += src[s + k];
    }

    private static void checkRange(String op, String name, int length, int off, int size, ConvGeometry g) {
        if (off < 0 || (long) off + size > length) {
            throw new IllegalArgumentException(op + ": " + name + " needs " + size + " elements from offset " + off
                    + " but has length " + length + " (" + g + ")");
        }
    }
}
