package org.panopt.kernels;

import java.util.Objects;

/**
 * 2-D max and average pooling over a batch, forward and backward, in float and double.
 *
 * <p>Layout. Input {@code N×C×H×W} row-major from {@code inOff}, output {@code N×C×OH×OW} row-major from
 * {@code outOff}; {@code C}, {@code H×W}, the window and {@code OH×OW} come from the {@link ConvGeometry}
 * (its formula, i.e. PyTorch's floor mode). Output {@code (n, c, oh, ow)} pools the input positions
 * {@code (oh·sh − ph + i·dh, ow·sw − pw + j·dw)} for {@code i < kh, j < kw}; positions outside the image
 * are padding.
 *
 * <p><b>Max pooling.</b> Padding is −∞: it never wins. The winner is the largest value; among equal values
 * the <em>first in row-major window order</em> ({@code i} then {@code j}) wins, as in PyTorch. NaN
 * propagates: the first NaN in window order wins over every number. The argmax is recorded, like
 * PyTorch's {@code return_indices}, as the <b>flat index within the input plane</b>, {@code ih·W + iw}
 * (not a global index): the winner of {@code out[n, c, oh, ow]} is
 * {@code in[inOff + (n·C + c)·H·W + argmax[argmaxOff + (n·C + c)·OH·OW + oh·OW + ow]]}. Backward
 * scatter-adds {@code gradIn[plane + argmax] += gradOut}; overlapping windows that share a winner add up.
 *
 * <p><b>Average pooling.</b> {@code out = Σ in-image values / divisor}, with divisor {@code kh·kw} when
 * {@code countIncludePad} (padding counts as zeros) and the number of in-image taps otherwise — PyTorch's
 * {@code count_include_pad}. (PyTorch's avg pooling has no dilation; here dilation is allowed and the
 * divisor counts taps, not the dilated span.) Backward adds {@code gradOut / divisor} to every in-image
 * tap.
 *
 * <p><b>Backward accumulates</b> ({@code +=}) into {@code gradIn}, like {@link Im2col#col2im}; the caller
 * zeros it first for a plain gradient.
 *
 * <p>Every window must contain at least one input position (otherwise a max would be −∞ and an average
 * without padding 0/0); geometries where some window lies entirely in the padding are rejected. PyTorch
 * additionally requires {@code padding ≤ kernel/2}; with dilation 1 that rule implies ours, and otherwise
 * ours is looser but still well-defined.
 *
 * <p>Accumulation is in the element type (float sums for float, as PyTorch's CPU kernels do).
 */
public final class Pooling {
    private Pooling() {
    }

    // ------------------------------------------------------------------------------------------------
    // Max pooling

    /**
     * Max pooling forward: {@code out[n,c,oh,ow] = max over the window}, the winner's in-plane flat index
     * into {@code argmax} (which may be {@code null} when no backward pass will follow).
     *
     * @throws IllegalArgumentException if {@code batch < 0}, an array is too short, or a window lies
     *                                  entirely in the padding
     */
    public static void maxPoolForward(ConvGeometry g, int batch, float[] in, int inOff,
                                      float[] out, int outOff, int[] argmax, int argmaxOff) {
        String op = "max pool forward";
        checkGeometry(op, g, batch);
        checkRange(op, "in", Objects.requireNonNull(in, "in").length, inOff, batch, g.inputSize(), g);
        checkRange(op, "out", Objects.requireNonNull(out, "out").length, outOff, batch, g.outputSize(), g);
        if (argmax != null) checkRange(op, "argmax", argmax.length, argmaxOff, batch, g.outputSize(), g);
        final int planes = batch * g.channels(), inPlane = g.inputPlaneSize(), outPlane = g.outputPlaneSize();
        for (int p = 0; p < planes; p++) {
            maxPlane(g, in, inOff + p * inPlane, out, outOff + p * outPlane, argmax, argmaxOff + p * outPlane);
        }
    }

    /** Double-precision {@link #maxPoolForward(ConvGeometry, int, float[], int, float[], int, int[], int)}. */
    public static void maxPoolForward(ConvGeometry g, int batch, double[] in, int inOff,
                                      double[] out, int outOff, int[] argmax, int argmaxOff) {
        String op = "max pool forward";
        checkGeometry(op, g, batch);
        checkRange(op, "in", Objects.requireNonNull(in, "in").length, inOff, batch, g.inputSize(), g);
        checkRange(op, "out", Objects.requireNonNull(out, "out").length, outOff, batch, g.outputSize(), g);
        if (argmax != null) checkRange(op, "argmax", argmax.length, argmaxOff, batch, g.outputSize(), g);
        final int planes = batch * g.channels(), inPlane = g.inputPlaneSize(), outPlane = g.outputPlaneSize();
        for (int p = 0; p < planes; p++) {
            maxPlane(g, in, inOff + p * inPlane, out, outOff + p * outPlane, argmax, argmaxOff + p * outPlane);
        }
    }

    /**
     * Max pooling backward: {@code gradIn[n, c, plane index argmax] += gradOut[n, c, oh, ow]} for every
     * output, with {@code argmax} as written by {@code maxPoolForward}. Accumulates.
     *
     * @throws IllegalArgumentException if an array is too short or an argmax index lies outside the plane
     */
    public static void maxPoolBackward(ConvGeometry g, int batch, float[] gradOut, int gradOutOff,
                                       int[] argmax, int argmaxOff, float[] gradIn, int gradInOff) {
        String op = "max pool backward";
        checkGeometry(op, g, batch);
        checkRange(op, "gradOut", Objects.requireNonNull(gradOut, "gradOut").length, gradOutOff, batch, g.outputSize(), g);
        checkRange(op, "argmax", Objects.requireNonNull(argmax, "argmax").length, argmaxOff, batch, g.outputSize(), g);
        checkRange(op, "gradIn", Objects.requireNonNull(gradIn, "gradIn").length, gradInOff, batch, g.inputSize(), g);
        final int planes = batch * g.channels(), inPlane = g.inputPlaneSize(), outPlane = g.outputPlaneSize();
        checkArgmax(op, argmax, argmaxOff, planes * outPlane, inPlane);
        for (int p = 0; p < planes; p++) {
            final int gi = gradInOff + p * inPlane, go = gradOutOff + p * outPlane, a = argmaxOff + p * outPlane;
            for (int o = 0; o < outPlane; o++) gradIn[gi + argmax[a + o]] += gradOut[go + o];
        }
    }

    /** Double-precision {@link #maxPoolBackward(ConvGeometry, int, float[], int, int[], int, float[], int)}. */
    public static void maxPoolBackward(ConvGeometry g, int batch, double[] gradOut, int gradOutOff,
                                       int[] argmax, int argmaxOff, double[] gradIn, int gradInOff) {
        String op = "max pool backward";
        checkGeometry(op, g, batch);
        checkRange(op, "gradOut", Objects.requireNonNull(gradOut, "gradOut").length, gradOutOff, batch, g.outputSize(), g);
        checkRange(op, "argmax", Objects.requireNonNull(argmax, "argmax").length, argmaxOff, batch, g.outputSize(), g);
        checkRange(op, "gradIn", Objects.requireNonNull(gradIn, "gradIn").length, gradInOff, batch, g.inputSize(), g);
        final int planes = batch * g.channels(), inPlane = g.inputPlaneSize(), outPlane = g.outputPlaneSize();
        checkArgmax(op, argmax, argmaxOff, planes * outPlane, inPlane);
        for (int p = 0; p < planes; p++) {
            final int gi = gradInOff + p * inPlane, go = gradOutOff + p * outPlane, a = argmaxOff + p * outPlane;
            for (int o = 0; o < outPlane; o++) gradIn[gi + argmax[a + o]] += gradOut[go + o];
        }
    }

    private static void maxPlane(ConvGeometry g, float[] in, int inBase, float[] out, int outBase,
                                 int[] argmax, int argBase) {
        final int h = g.height(), w = g.width(), kh = g.kernelH(), kw = g.kernelW();
        final int sh = g.strideH(), sw = g.strideW(), ph = g.padH(), pw = g.padW();
        final int dh = g.dilationH(), dw = g.dilationW(), outH = g.outHeight(), outW = g.outWidth();
        int o = 0;
        for (int oh = 0; oh < outH; oh++) {
            final int hs = oh * sh - ph;
            final int i0 = ConvGeometry.tapsLo(hs, dh), i1 = ConvGeometry.tapsHi(hs, dh, h, kh, i0);
            for (int ow = 0; ow < outW; ow++, o++) {
                final int ws = ow * sw - pw;
                final int j0 = ConvGeometry.tapsLo(ws, dw), j1 = ConvGeometry.tapsHi(ws, dw, w, kw, j0);
                // Starting from −∞ with the first in-image tap as the index makes an all-−∞ window report
                // its first tap; strict '>' keeps the first of equal values.
                float best = Float.NEGATIVE_INFINITY;
                int bestIdx = (hs + i0 * dh) * w + ws + j0 * dw;
                for (int i = i0; i < i1; i++) {
                    final int rowIdx = (hs + i * dh) * w + ws;
                    for (int j = j0; j < j1; j++) {
                        final int idx = rowIdx + j * dw;
                        final float v = in[inBase + idx];
                        if (v > best || (v != v && best == best)) {
                            best = v;
                            bestIdx = idx;
                        }
                    }
                }
                out[outBase + o] = best;
                if (argmax != null) argmax[argBase + o] = bestIdx;
            }
        }
    }

    private static void maxPlane(ConvGeometry g, double[] in, int inBase, double[] out, int outBase,
                                 int[] argmax, int argBase) {
        final int h = g.height(), w = g.width(), kh = g.kernelH(), kw = g.kernelW();
        final int sh = g.strideH(), sw = g.strideW(), ph = g.padH(), pw = g.padW();
        final int dh = g.dilationH(), dw = g.dilationW(), outH = g.outHeight(), outW = g.outWidth();
        int o = 0;
        for (int oh = 0; oh < outH; oh++) {
            final int hs = oh * sh - ph;
            final int i0 = ConvGeometry.tapsLo(hs, dh), i1 = ConvGeometry.tapsHi(hs, dh, h, kh, i0);
            for (int ow = 0; ow < outW; ow++, o++) {
                final int ws = ow * sw - pw;
                final int j0 = ConvGeometry.tapsLo(ws, dw), j1 = ConvGeometry.tapsHi(ws, dw, w, kw, j0);
                double best = Double.NEGATIVE_INFINITY;
                int bestIdx = (hs + i0 * dh) * w + ws + j0 * dw;
                for (int i = i0; i < i1; i++) {
                    final int rowIdx = (hs + i * dh) * w + ws;
                    for (int j = j0; j < j1; j++) {
                        final int idx = rowIdx + j * dw;
                        final double v = in[inBase + idx];
                        if (v > best || (v != v && best == best)) {
                            best = v;
                            bestIdx = idx;
                        }
                    }
                }
                out[outBase + o] = best;
                if (argmax != null) argmax[argBase + o] = bestIdx;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Average pooling

    /**
     * Average pooling forward: {@code out[n,c,oh,ow] = (Σ in-image window values) / divisor}, divisor
     * {@code kh·kw} if {@code countIncludePad}, else the number of in-image taps.
     *
     * @throws IllegalArgumentException if {@code batch < 0}, an array is too short, or a window lies
     *                                  entirely in the padding
     */
    public static void avgPoolForward(ConvGeometry g, int batch, boolean countIncludePad,
                                      float[] in, int inOff, float[] out, int outOff) {
        String op = "avg pool forward";
        checkGeometry(op, g, batch);
        checkRange(op, "in", Objects.requireNonNull(in, "in").length, inOff, batch, g.inputSize(), g);
        checkRange(op, "out", Objects.requireNonNull(out, "out").length, outOff, batch, g.outputSize(), g);
        final int h = g.height(), w = g.width(), kh = g.kernelH(), kw = g.kernelW();
        final int sh = g.strideH(), sw = g.strideW(), ph = g.padH(), pw = g.padW();
        final int dh = g.dilationH(), dw = g.dilationW(), outH = g.outHeight(), outW = g.outWidth();
        final int planes = batch * g.channels(), inPlane = h * w, outPlane = outH * outW;
        for (int p = 0; p < planes; p++) {
            final int inBase = inOff + p * inPlane;
            int o = outOff + p * outPlane;
            for (int oh = 0; oh < outH; oh++) {
                final int hs = oh * sh - ph;
                final int i0 = ConvGeometry.tapsLo(hs, dh), i1 = ConvGeometry.tapsHi(hs, dh, h, kh, i0);
                for (int ow = 0; ow < outW; ow++, o++) {
                    final int ws = ow * sw - pw;
                    final int j0 = ConvGeometry.tapsLo(ws, dw), j1 = ConvGeometry.tapsHi(ws, dw, w, kw, j0);
                    float sum = 0f;
                    for (int i = i0; i < i1; i++) {
                        final int rowIdx = inBase + (hs + i * dh) * w + ws;
                        for (int j = j0; j < j1; j++) sum += in[rowIdx + j * dw];
                    }
                    out[o] = sum / (countIncludePad ? kh * kw : (i1 - i0) * (j1 - j0));
                }
            }
        }
    }

    /** Double-precision {@link #avgPoolForward(ConvGeometry, int, boolean, float[], int, float[], int)}. */
    public static void avgPoolForward(ConvGeometry g, int batch, boolean countIncludePad,
                                      double[] in, int inOff, double[] out, int outOff) {
        String op = "avg pool forward";
        checkGeometry(op, g, batch);
        checkRange(op, "in", Objects.requireNonNull(in, "in").length, inOff, batch, g.inputSize(), g);
        checkRange(op, "out", Objects.requireNonNull(out, "out").length, outOff, batch, g.outputSize(), g);
        final int h = g.height(), w = g.width(), kh = g.kernelH(), kw = g.kernelW();
        final int sh = g.strideH(), sw = g.strideW(), ph = g.padH(), pw = g.padW();
        final int dh = g.dilationH(), dw = g.dilationW(), outH = g.outHeight(), outW = g.outWidth();
        final int planes = batch * g.channels(), inPlane = h * w, outPlane = outH * outW;
        for (int p = 0; p < planes; p++) {
            final int inBase = inOff + p * inPlane;
            int o = outOff + p * outPlane;
            for (int oh = 0; oh < outH; oh++) {
                final int hs = oh * sh - ph;
                final int i0 = ConvGeometry.tapsLo(hs, dh), i1 = ConvGeometry.tapsHi(hs, dh, h, kh, i0);
                for (int ow = 0; ow < outW; ow++, o++) {
                    final int ws = ow * sw - pw;
                    final int j0 = ConvGeometry.tapsLo(ws, dw), j1 = ConvGeometry.tapsHi(ws, dw, w, kw, j0);
                    double sum = 0d;
                    for (int i = i0; i < i1; i++) {
                        final int rowIdx = inBase + (hs + i * dh) * w + ws;
                        for (int j = j0; j < j1; j++) sum += in[rowIdx + j * dw];
                    }
                    out[o] = sum / (countIncludePad ? kh * kw : (i1 - i0) * (j1 - j0));
                }
            }
        }
    }

    /**
     * Average pooling backward: every in-image tap of output {@code (n,c,oh,ow)} gets
     * {@code gradIn += gradOut[n,c,oh,ow] / divisor} (divisor as in the forward pass). Accumulates.
     *
     * @throws IllegalArgumentException if {@code batch < 0}, an array is too short, or a window lies
     *                                  entirely in the padding
     */
    public static void avgPoolBackward(ConvGeometry g, int batch, boolean countIncludePad,
                                       float[] gradOut, int gradOutOff, float[] gradIn, int gradInOff) {
        String op = "avg pool backward";
        checkGeometry(op, g, batch);
        checkRange(op, "gradOut", Objects.requireNonNull(gradOut, "gradOut").length, gradOutOff, batch, g.outputSize(), g);
        checkRange(op, "gradIn", Objects.requireNonNull(gradIn, "gradIn").length, gradInOff, batch, g.inputSize(), g);
        final int h = g.height(), w = g.width(), kh = g.kernelH(), kw = g.kernelW();
        final int sh = g.strideH(), sw = g.strideW(), ph = g.padH(), pw = g.padW();
        final int dh = g.dilationH(), dw = g.dilationW(), outH = g.outHeight(), outW = g.outWidth();
        final int planes = batch * g.channels(), inPlane = h * w, outPlane = outH * outW;
        for (int p = 0; p < planes; p++) {
            final int inBase = gradInOff + p * inPlane;
            int o = gradOutOff + p * outPlane;
            for (int oh = 0; oh < outH; oh++) {
                final int hs = oh * sh - ph;
                final int i0 = ConvGeometry.tapsLo(hs, dh), i1 = ConvGeometry.tapsHi(hs, dh, h, kh, i0);
                for (int ow = 0; ow < outW; ow++, o++) {
                    final int ws = ow * sw - pw;
                    final int j0 = ConvGeometry.tapsLo(ws, dw), j1 = ConvGeometry.tapsHi(ws, dw, w, kw, j0);
                    final float share = gradOut[o] / (countIncludePad ? kh * kw : (i1 - i0) * (j1 - j0));
                    for (int i = i0; i < i1; i++) {
                        final int rowIdx = inBase + (hs + i * dh) * w + ws;
                        for (int j = j0; j < j1; j++) gradIn[rowIdx + j * dw] += share;
                    }
                }
            }
        }
    }

    /** Double-precision {@link #avgPoolBackward(ConvGeometry, int, boolean, float[], int, float[], int)}. */
    public static void avgPoolBackward(ConvGeometry g, int batch, boolean countIncludePad,
                                       double[] gradOut, int gradOutOff, double[] gradIn, int gradInOff) {
        String op = "avg pool backward";
        checkGeometry(op, g, batch);
        checkRange(op, "gradOut", Objects.requireNonNull(gradOut, "gradOut").length, gradOutOff, batch, g.outputSize(), g);
        checkRange(op, "gradIn", Objects.requireNonNull(gradIn, "gradIn").length, gradInOff, batch, g.inputSize(), g);
        final int h = g.height(), w = g.width(), kh = g.kernelH(), kw = g.kernelW();
        final int sh = g.strideH(), sw = g.strideW(), ph = g.padH(), pw = g.padW();
        final int dh = g.dilationH(), dw = g.dilationW(), outH = g.outHeight(), outW = g.outWidth();
        final int planes = batch * g.channels(), inPlane = h * w, outPlane = outH * outW;
        for (int p = 0; p < planes; p++) {
            final int inBase = gradInOff + p * inPlane;
            int o = gradOutOff + p * outPlane;
            for (int oh = 0; oh < outH; oh++) {
                final int hs = oh * sh - ph;
                final int i0 = ConvGeometry.tapsLo(hs, dh), i1 = ConvGeometry.tapsHi(hs, dh, h, kh, i0);
                for (int ow = 0; ow < outW; ow++, o++) {
                    final int ws = ow * sw - pw;
                    final int j0 = ConvGeometry.tapsLo(ws, dw), j1 = ConvGeometry.tapsHi(ws, dw, w, kw, j0);
                    final double share = gradOut[o] / (countIncludePad ? kh * kw : (i1 - i0) * (j1 - j0));
                    for (int i = i0; i < i1; i++) {
                        final int rowIdx = inBase + (hs + i * dh) * w + ws;
                        for (int j = j0; j < j1; j++) gradIn[rowIdx + j * dw] += share;
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Validation (once per call; the loops above are unchecked)

    /**
     * Rejects a negative batch and any geometry with a window that contains no input position. Along each
     * axis it suffices to check every output index: a 2-D window is empty iff its row or column range is.
     */
    private static void checkGeometry(String op, ConvGeometry g, int batch) {
        Objects.requireNonNull(g, "geometry");
        if (batch < 0) {
            throw new IllegalArgumentException(op + ": batch must be non-negative, got " + batch + " (" + g + ")");
        }
        checkAxis(op, g, "row", g.outHeight(), g.strideH(), g.padH(), g.dilationH(), g.height(), g.kernelH());
        checkAxis(op, g, "column", g.outWidth(), g.strideW(), g.padW(), g.dilationW(), g.width(), g.kernelW());
    }

    private static void checkAxis(String op, ConvGeometry g, String axis, int outs, int stride, int pad, int dil,
                                  int n, int k) {
        for (int o = 0; o < outs; o++) {
            int start = o * stride - pad;
            int lo = ConvGeometry.tapsLo(start, dil);
            if (ConvGeometry.tapsHi(start, dil, n, k, lo) == lo) {
                throw new IllegalArgumentException(op + ": the window of output " + axis + " " + o
                        + " lies entirely in the padding (" + g + ")");
            }
        }
    }

    private static void checkRange(String op, String name, int length, int off, int batch, int perImage,
                                   ConvGeometry g) {
        long size = (long) batch * perImage;
        if (off < 0 || off + size > length) {
            throw new IllegalArgumentException(op + ": " + name + " needs " + batch + " x " + perImage
                    + " elements from offset " + off + " but has length " + length + " (" + g + ")");
        }
    }

    private static void checkArgmax(String op, int[] argmax, int off, int count, int plane) {
        for (int k = 0; k < count; k++) {
            int a = argmax[off + k];
            if (a < 0 || a >= plane) {
                throw new IllegalArgumentException(op + ": argmax[" + (off + k) + "] = " + a
                        + " is outside the input plane [0, " + plane + ")");
            }
        }
    }
}
