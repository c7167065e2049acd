package org.panopt.nn.models;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.panopt.nn.BatchNorm;
import org.panopt.nn.Conv2d;
import org.panopt.nn.Linear;
import org.panopt.nn.Module;
import org.panopt.nn.Sequential;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * ResNet-18 in its CIFAR form (kuangliu/pytorch-cifar): a 3×3 stem convolution (stride 1, no bias) with
 * batch norm and ReLU instead of ImageNet's 7×7/stride-2 stem and max pool; four stages of two
 * {@link BasicBlock}s with widths w, 2w, 4w, 8w and first-block strides 1, 2, 2, 2; global average
 * pooling; {@code Linear(8w → classes)}. With w = 64, 3 input channels and 10 classes: 11,173,962
 * parameters. Any input size works (the pooling is global); 32×32 gives 4×4 maps before pooling.
 * Submodule names follow pytorch-cifar ({@code conv1, bn1, layer1…layer4, linear}).
 */
public class ResNet18 extends Module {
    private final int width;
    private final Conv2d conv1;
    private final BatchNorm bn1;
    private final List<Sequential> stages;
    private final Linear linear;

    public ResNet18(int inChannels, int classes, int width, DType dtype, SplittableRandom rng) {
        if (inChannels <= 0 || classes <= 0 || width <= 0) {
            throw new IllegalArgumentException("ResNet18: channels " + inChannels + ", classes " + classes + ", width " + width + " must be positive");
        }
        this.width = width;
        this.conv1 = registerModule("conv1", new Conv2d(inChannels, width, 3, 1, 1, 1, false, dtype, rng));
        this.bn1 = registerModule("bn1", new BatchNorm(width, true, true, 1e-5, 0.1, dtype));
        List<Sequential> s = new ArrayList<>();
        int c = width;
        int[] strides = {1, 2, 2, 2};
        for (int i = 0; i < 4; i++) {
            int w = width << i;
            s.add(registerModule("layer" + (i + 1), new Sequential(new BasicBlock(c, w, strides[i], dtype, rng), new BasicBlock(w, w, 1, dtype, rng))));
            c = w;
        }
        this.stages = List.copyOf(s);
        this.linear = registerModule("linear", new Linear(c, classes, true, dtype, rng));
    }

    /** The standard width 64, float32. */
    public ResNet18(int inChannels, int classes, SplittableRandom rng) {
        this(inChannels, classes, 64, DType.FLOAT32, rng);
    }

    @Override
    protected Tensor compute(Tensor x) {
        Tensor h = bn1.forward(conv1.forward(x)).relu();
        for (Sequential stage : stages) h = stage.forward(h);
        return linear.forward(h.mean(new int[] {2, 3}, false));
    }

    public int width() {
        return width;
    }

    /** The four stages of two blocks each. */
    public List<Sequential> stages() {
        return stages;
    }

    public Linear classifier() {
        return linear;
    }

    @Override
    protected String describe() {
        return "ResNet18(width " + width + ")";
    }
}
