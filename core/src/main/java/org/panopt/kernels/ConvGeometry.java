package org.panopt.kernels;

/**
 * The window of a 2-D convolution or pooling over one {@code C×H×W} image: kernel {@code kh×kw}, stride
 * {@code (sh, sw)}, zero padding {@code (ph, pw)} on both sides, dilation {@code (dh, dw)}. Immutable and
 * validated on construction.
 *
 * <p>Output extents (PyTorch's formula, floor mode):
 * <pre>
 *   OH = ⌊(H + 2·ph − dh·(kh − 1) − 1) / sh⌋ + 1
 *   OW = ⌊(W + 2·pw − dw·(kw − 1) − 1) / sw⌋ + 1
 * </pre>
 * Output position {@code (oh, ow)} and kernel tap {@code (i, j)} read input position
 * {@code (ih, iw) = (oh·sh − ph + i·dh, ow·sw − pw + j·dw)}; positions outside {@code [0,H)×[0,W)} are
 * padding.
 *
 * <p>Channels, input size, kernel, stride and dilation must be positive, padding non-negative, the dilated
 * kernel must fit the padded input ({@code OH, OW ≥ 1}), and the input, output and column-matrix sizes must
 * fit in an {@code int}.
 *
 * @param channels  C, the number of input channels (for pooling also the number of output channels)
 * @param height    H, input rows
 * @param width     W, input columns
 * @param kernelH   kh
 * @param kernelW   kw
 * @param strideH   sh
 * @param strideW   sw
 * @param padH      ph, zero rows added above and below
 * @param padW      pw, zero columns added left and right
 * @param dilationH dh, spacing between kernel rows (1 = dense)
 * @param dilationW dw, spacing between kernel columns (1 = dense)
 */
public record ConvGeometry(int channels, int height, int width,
                           int kernelH, int kernelW,
                           int strideH, int strideW,
                           int padH, int padW,
                           int dilationH, int dilationW) {

    public ConvGeometry {
        String input = " (input " + channels + "x" + height + "x" + width + ")";
        if (channels <= 0) {
            throw new IllegalArgumentException("conv geometry: channels must be positive, got " + channels + input);
        }
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("conv geometry: input size must be positive, got "
                    + height + "x" + width + input);
        }
        if (kernelH <= 0 || kernelW <= 0) {
            throw new IllegalArgumentException("conv geometry: kernel must be positive, got "
                    + kernelH + "x" + kernelW + input);
        }
        if (strideH <= 0 || strideW <= 0) {
            throw new IllegalArgumentException("conv geometry: stride must be positive, got "
                    + strideH + "x" + strideW + input);
        }
        if (padH < 0 || padW < 0) {
            throw new IllegalArgumentException("conv geometry: padding must be non-negative, got "
                    + padH + "x" + padW + input);
        }
        if (dilationH <= 0 || dilationW <= 0) {
            throw new IllegalArgumentException("conv geometry: dilation must be positive, got "
                    + dilationH + "x" + dilationW + input);
        }
        if (height + 2L * padH > Integer.MAX_VALUE || width + 2L * padW > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("conv geometry: padded input " + (height + 2L * padH) + "x"
                    + (width + 2L * padW) + " exceeds 2^31-1" + input);
        }
        long effH = (long) dilationH * (kernelH - 1) + 1;
        long effW = (long) dilationW * (kernelW - 1) + 1;
        if (effH > height + 2L * padH || effW > width + 2L * padW) {
            throw new IllegalArgumentException("conv geometry: kernel " + kernelH + "x" + kernelW
                    + " with dilation " + pair(dilationH, dilationW)
                    + " does not fit input " + height + "x" + width
                    + " with padding " + pair(padH, padW));
        }
        long oh = (height + 2L * padH - effH) / strideH + 1;
        long ow = (width + 2L * padW - effW) / strideW + 1;
        long inSize = (long) channels * height * width;
        long outSize = (long) channels * oh * ow;
        long colSize = (long) channels * kernelH * kernelW * oh * ow;
        if (inSize > Integer.MAX_VALUE || outSize > Integer.MAX_VALUE || colSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("conv geometry: input " + channels + "x" + height + "x" + width
                    + " with kernel " + kernelH + "x" + kernelW + " gives more than 2^31-1 elements"
                    + " (input " + inSize + ", output " + outSize + ", column matrix " + colSize + ")");
        }
    }

    /** Square kernel, stride, padding and dilation. */
    public static ConvGeometry square(int channels, int height, int width,
                                      int kernel, int stride, int padding, int dilation) {
        return new ConvGeometry(channels, height, width, kernel, kernel, stride, stride,
                padding, padding, dilation, dilation);
    }

    /** Square kernel, stride and padding, no dilation. */
    public static ConvGeometry square(int channels, int height, int width, int kernel, int stride, int padding) {
        return square(channels, height, width, kernel, stride, padding, 1);
    }

    /** OH = ⌊(H + 2·ph − dh·(kh − 1) − 1) / sh⌋ + 1. */
    public int outHeight() {
        return (int) ((height + 2L * padH - (long) dilationH * (kernelH - 1) - 1) / strideH + 1);
    }

    /** OW = ⌊(W + 2·pw − dw·(kw − 1) − 1) / sw⌋ + 1. */
    public int outWidth() {
        return (int) ((width + 2L * padW - (long) dilationW * (kernelW - 1) - 1) / strideW + 1);
    }

    /** H·W, the size of one input plane. */
    public int inputPlaneSize() {
        return height * width;
    }

    /** C·H·W, the size of one input image. */
    public int inputSize() {
        return channels * height * width;
    }

    /** OH·OW, the size of one output plane (also the number of columns of the im2col matrix). */
    public int outputPlaneSize() {
        return outHeight() * outWidth();
    }

    /** C·OH·OW, the size of one pooled image. */
    public int outputSize() {
        return channels * outputPlaneSize();
    }

    /** C·kh·kw, the number of rows of the im2col matrix. */
    public int colRows() {
        return channels * kernelH * kernelW;
    }

    /** (C·kh·kw)·(OH·OW), the size of the im2col matrix of one image. */
    public int colSize() {
        return colRows() * outputPlaneSize();
    }

    @Override
    public String toString() {
        return "ConvGeometry[input " + channels + "x" + height + "x" + width
                + ", kernel " + kernelH + "x" + kernelW
                + ", stride " + pair(strideH, strideW)
                + ", padding " + pair(padH, padW)
                + ", dilation " + pair(dilationH, dilationW)
                + ", output " + outHeight() + "x" + outWidth() + "]";
    }

    // --- window ranges shared by the kernels (unchecked) ---

    /**
     * For kernel tap {@code tap} along one axis, the first output index whose input coordinate
     * {@code o·stride − pad + tap·dil} is ≥ 0. Pair with {@link #outputsHi}.
     */
    static int outputsLo(int tap, int stride, int pad, int dil) {
        return Math.max(0, Math.ceilDiv(pad - tap * dil, stride));
    }

    /**
     * For kernel tap {@code tap} along one axis, one past the last output index whose input coordinate
     * is &lt; {@code n}, clamped to {@code [lo, outs]}: outputs {@code [lo, hi)} read inside the input.
     */
    static int outputsHi(int tap, int stride, int pad, int dil, int n, int outs, int lo) {
        return Math.max(lo, Math.min(outs, Math.floorDiv(n - 1 + pad - tap * dil, stride) + 1));
    }

    /** For a window starting at input coordinate {@code start}, the first tap that lies at or after 0. */
    static int tapsLo(int start, int dil) {
        if (start >= 0) return 0;
        return dil == 1 ? -start : Math.ceilDiv(-start, dil);
    }

    /**
     * For a window starting at {@code start}, one past the last tap that lies before {@code n}, clamped to
     * {@code [lo, k]}: taps {@code [lo, hi)} read inside the input.
     */
    static int tapsHi(int start, int dil, int n, int k, int lo) {
        int last = n - 1 - start;
        int hi = last < 0 ? 0 : (dil == 1 ? last + 1 : last / dil + 1);
        return Math.max(lo, Math.min(k, hi));
    }

    private static String pair(int a, int b) {
        return a == b ? Integer.toString(a) : a + "x" + b;
    }
}
