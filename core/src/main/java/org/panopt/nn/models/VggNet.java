package org.panopt.nn.models;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.panopt.nn.Activation;
import org.panopt.nn.BatchNorm;
import org.panopt.nn.Conv2d;
import org.panopt.nn.Flatten;
import org.panopt.nn.Linear;
import org.panopt.nn.Module;
import org.panopt.nn.Pool2d;
import org.panopt.nn.Sequential;
import org.panopt.tensor.DType;

/**
 * A VGG-style network with batch normalization (Simonyan &amp; Zisserman 2015; the CIFAR layout of
 * kuangliu/pytorch-cifar): a configuration list where a positive entry c is
 * {@code conv 3×3 (padding 1, no bias) → BatchNorm2d(c) → ReLU} and {@link #M} is a 2×2 max pool of stride 2,
 * then {@code flatten → Linear(last channels × remaining spatial size², classes)}.
 *
 * <p>The convolutions have no bias because the batch norm right after removes any per-channel shift.
 * {@code affineBatchNorm = false} gives batch normalization without trainable γ, β, as in the
 * local-Hessian paper. pytorch-cifar's VGG keeps the conv biases: its VGG-11 count 9,231,114 is ours,
 * 9,228,362, plus 2,752 biases.
 */
public class VggNet extends Sequential {
    /** The max-pool marker in a configuration list. */
    public static final int M = -1;

    public static final List<Integer> VGG11 = List.of(64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M);
    public static final List<Integer> VGG13 = List.of(64, 64, M, 128, 128, M, 256, 256, M, 512, 512, M, 512, 512, M);
    public static final List<Integer> VGG16 = List.of(64, 64, M, 128, 128, M, 256, 256, 256, M, 512, 512, 512, M, 512, 512, 512, M);
    public static final List<Integer> VGG19 = List.of(64, 64, M, 128, 128, M, 256, 256, 256, 256, M, 512, 512, 512, 512, M, 512, 512, 512, 512, M);

    private final List<Integer> config;

    /**
     * @param config    channel counts and {@link #M} markers, input side first
     * @param imageSize the input's height = width; must stay ≥ 1 through the pools
     */
    public VggNet(int inChannels, int classes, int imageSize, List<Integer> config, boolean affineBatchNorm, DType dtype, SplittableRandom rng) {
        super(layers(inChannels, classes, imageSize, config, affineBatchNorm, dtype, rng));
        this.config = List.copyOf(config);
    }

    /** VGG-11 with affine batch norm, float32, full width. */
    public static VggNet vgg11(int inChannels, int classes, int imageSize, SplittableRandom rng) {
        return vgg11(inChannels, classes, imageSize, 1, true, DType.FLOAT32, rng);
    }

    /** VGG-11 with every width scaled by {@code widthMultiplier} (rounded, at least 1). */
    public static VggNet vgg11(int inChannels, int classes, int imageSize, double widthMultiplier, boolean affineBatchNorm, DType dtype,
                               SplittableRandom rng) {
        return new VggNet(inChannels, classes, imageSize, scaled(VGG11, widthMultiplier), affineBatchNorm, dtype, rng);
    }

    public static VggNet vgg16(int inChannels, int classes, int imageSize, SplittableRandom rng) {
        return vgg16(inChannels, classes, imageSize, 1, true, DType.FLOAT32, rng);
    }

    public static VggNet vgg16(int inChannels, int classes, int imageSize, double widthMultiplier, boolean affineBatchNorm, DType dtype,
                               SplittableRandom rng) {
        return new VggNet(inChannels, classes, imageSize, scaled(VGG16, widthMultiplier), affineBatchNorm, dtype, rng);
    }

    /** {@code config} with every channel count multiplied by {@code multiplier} and rounded (at least 1). */
    public static List<Integer> scaled(List<Integer> config, double multiplier) {
        if (!(multiplier > 0)) throw new IllegalArgumentException("VggNet: width multiplier " + multiplier + " must be positive");
        return config.stream().map(c -> c == M ? M : (int) Math.max(1, Math.round(c * multiplier))).toList();
    }

    private static List<Module> layers(int inChannels, int classes, int imageSize, List<Integer> config, boolean affine, DType dtype,
                                       SplittableRandom rng) {
        if (inChannels <= 0 || classes <= 0 || imageSize <= 0) {
            throw new IllegalArgumentException("VggNet: channels " + inChannels + ", classes " + classes + ", image size " + imageSize + " must be positive");
        }
        List<Module> out = new ArrayList<>();
        int c = inChannels;
        int size = imageSize;
        for (int entry : config) {
            if (entry == M) {
                if (size < 2) throw new IllegalArgumentException("VggNet: config " + config + " pools a " + imageSize + "×" + imageSize + " image below 1×1");
                out.add(Pool2d.max(2, 2, 0));
                size /= 2;
            } else if (entry > 0) {
                out.add(new Conv2d(c, entry, 3, 1, 1, 1, false, dtype, rng));
                out.add(new BatchNorm(entry, true, affine, 1e-5, 0.1, dtype));
                out.add(Activation.relu());
                c = entry;
            } else {
                throw new IllegalArgumentException("VggNet: config entry " + entry + " in " + config + " is neither a channel count nor M (" + M + ")");
            }
        }
        out.add(new Flatten());
        out.add(new Linear(c * size * size, classes, true, dtype, rng));
        return out;
    }

    public List<Integer> config() {
        return config;
    }

    public List<Conv2d> convs() {
        return layers().stream().filter(m -> m instanceof Conv2d).map(m -> (Conv2d) m).toList();
    }

    /** The classifier layer. */
    public Linear classifier() {
        return (Linear) layers().getLast();
    }

    @Override
    protected String describe() {
        return "VggNet" + config;
    }
}
