package org.panopt.nn;

import org.panopt.tensor.Tensor;

/** 2-d max or average pooling over square windows, as PyTorch's {@code MaxPool2d} / {@code AvgPool2d}. */
public class Pool2d extends Module {
    private final boolean max;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final boolean countIncludePad;

    private Pool2d(boolean max, int kernel, int stride, int padding, boolean countIncludePad) {
        if (kernel <= 0 || stride <= 0 || padding < 0) {
            throw new IllegalArgumentException("pooling: kernel " + kernel + " and stride " + stride + " must be positive, padding " + padding + " ≥ 0");
        }
        this.max = max;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.countIncludePad = countIncludePad;
    }

    public static Pool2d max(int kernel, int stride, int padding) {
        return new Pool2d(true, kernel, stride, padding, true);
    }

    /** Average pooling; {@code countIncludePad} as PyTorch's {@code count_include_pad} (default true). */
    public static Pool2d average(int kernel, int stride, int padding, boolean countIncludePad) {
        return new Pool2d(false, kernel, stride, padding, countIncludePad);
    }

    @Override
    protected Tensor compute(Tensor x) {
        var g = x.window(kernel, kernel, stride, stride, padding, padding, 1, 1);
        return max ? x.maxPool2d(g).values() : x.avgPool2d(g, countIncludePad);
    }

    @Override
    protected String describe() {
        return (max ? "MaxPool2d(" : "AvgPool2d(") + kernel + ", stride " + stride + ", padding " + padding + ")";
    }
}
