package org.panopt.nn;

import java.util.SplittableRandom;
import org.panopt.init.Fans;
import org.panopt.init.Initializer;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * 2-d convolution (cross-correlation) of {@code [N, C, H, W]} inputs with a weight {@code [F, C, k, k]}
 * and an optional bias {@code [F]}; stride, zero padding and dilation as in PyTorch. Initialized as
 * PyTorch does (U[−1/√fanIn, 1/√fanIn], fanIn = C·k·k).
 */
public class Conv2d extends Module {
    private final int inChannels;
    private final int outChannels;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final int dilation;
    private final Tensor weight;
    private final Tensor bias;

    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, boolean bias, SplittableRandom rng) {
        this(inChannels, outChannels, kernel, stride, padding, 1, bias, DType.FLOAT32, rng);
    }

    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, int dilation, boolean bias,
                  DType dtype, SplittableRandom rng) {
        if (inChannels <= 0 || outChannels <= 0 || kernel <= 0 || stride <= 0 || padding < 0 || dilation <= 0) {
            throw new IllegalArgumentException("Conv2d(" + inChannels + " → " + outChannels + ", kernel " + kernel + ", stride " + stride
                    + ", padding " + padding + ", dilation " + dilation + "): sizes must be positive (padding ≥ 0)");
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        Tensor w = Tensor.zeros(dtype, outChannels, inChannels, kernel, kernel);
        Initializer init = Initializer.uniformFanIn(Fans.of(w.shape()).fanIn());
        this.weight = registerParameter("weight", init.fill(w, rng));
        this.bias = bias ? registerParameter("bias", init.fill(Tensor.zeros(dtype, outChannels), rng)) : null;
    }

    /** Re-initializes the weight and the bias (if any); returns this. */
    public Conv2d initialize(Initializer weightInit, Initializer biasInit, SplittableRandom rng) {
        weightInit.fill(weight, rng);
        if (bias != null) biasInit.fill(bias, rng);
        return this;
    }

    @Override
    protected Tensor compute(Tensor x) {
        if (x.rank() != 4 || x.dim(1) != inChannels) {
            throw new IllegalArgumentException(describe() + ": input shape " + x.shape() + " is not [N, " + inChannels + ", H, W]");
        }
        return x.conv2d(weight, bias, stride, stride, padding, padding, dilation, dilation);
    }

    public Tensor weight() {
        return weight;
    }

    /** The bias, or null when the layer has none. */
    public Tensor bias() {
        return bias;
    }

    public int kernel() {
        return kernel;
    }

    public int stride() {
        return stride;
    }

    public int padding() {
        return padding;
    }

    public int dilation() {
        return dilation;
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    @Override
    protected String describe() {
        return "Conv2d(" + inChannels + " → " + outChannels + ", " + kernel + "x" + kernel + ", stride " + stride + ", padding " + padding
                + (dilation != 1 ? ", dilation " + dilation : "") + (bias == null ? ", no bias" : "") + ")";
    }
}
