package org.panopt.nn.models;

import java.util.SplittableRandom;
import org.panopt.nn.BatchNorm;
import org.panopt.nn.Conv2d;
import org.panopt.nn.Module;
import org.panopt.nn.Sequential;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * The residual block of ResNet-18/34 (He et al. 2016):
 * {@code relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))}, both convolutions 3×3 without bias, the first
 * with the block's stride. The shortcut is the identity when shape is kept, otherwise a 1×1 convolution
 * (no bias, same stride) followed by batch norm ("option B"). Submodule names follow kuangliu/pytorch-cifar.
 */
public class BasicBlock extends Module {
    private final Conv2d conv1;
    private final BatchNorm bn1;
    private final Conv2d conv2;
    private final BatchNorm bn2;
    private final Sequential shortcut; // null = identity

    public BasicBlock(int inChannels, int outChannels, int stride, DType dtype, SplittableRandom rng) {
        this.conv1 = registerModule("conv1", new Conv2d(inChannels, outChannels, 3, stride, 1, 1, false, dtype, rng));
        this.bn1 = registerModule("bn1", new BatchNorm(outChannels, true, true, 1e-5, 0.1, dtype));
        this.conv2 = registerModule("conv2", new Conv2d(outChannels, outChannels, 3, 1, 1, 1, false, dtype, rng));
        this.bn2 = registerModule("bn2", new BatchNorm(outChannels, true, true, 1e-5, 0.1, dtype));
        this.shortcut = stride != 1 || inChannels != outChannels
                ? registerModule("shortcut", new Sequential(new Conv2d(inChannels, outChannels, 1, stride, 0, 1, false, dtype, rng),
                        new BatchNorm(outChannels, true, true, 1e-5, 0.1, dtype)))
                : null;
    }

    @Override
    protected Tensor compute(Tensor x) {
        Tensor h = bn1.forward(conv1.forward(x)).relu();
        h = bn2.forward(conv2.forward(h));
        return h.add(shortcut == null ? x : shortcut.forward(x)).relu();
    }

    /** Whether the shortcut is a projection (1×1 conv + BN) rather than the identity. */
    public boolean hasProjection() {
        return shortcut != null;
    }

    @Override
    protected String describe() {
        return "BasicBlock";
    }
}
