package org.panopt.nn.models;

import java.util.List;
import java.util.SplittableRandom;
import org.panopt.nn.Activation;
import org.panopt.nn.Conv2d;
import org.panopt.nn.Flatten;
import org.panopt.nn.Linear;
import org.panopt.nn.Module;
import org.panopt.nn.Pool2d;
import org.panopt.nn.Sequential;
import org.panopt.tensor.DType;

/**
 * LeNet-5 (LeCun et al. 1998) as it is usually re-implemented:
 * <pre>
 *   conv 5×5 (C → 6) → act → 2×2 pool → conv 5×5 (6 → 16) → act → 2×2 pool → flatten
 *   → fc 400 → 120 → act → fc 120 → 84 → act → fc 84 → classes
 * </pre>
 * on 32×32 inputs, or 28×28 (MNIST) with padding 2 on the first convolution so that the feature maps
 * have the same sizes (28 → 14 → 10 → 5). 61,706 parameters for one input channel and 10 classes.
 *
 * <p>The activation and the pooling kind are choices: {@link #classic} is the paper's tanh with average
 * pooling (its subsampling layers, without their trainable coefficients); the default of the short
 * constructor is today's ReLU with max pooling. The full C3 connection table and the RBF output layer of
 * the paper are not reproduced (C3 is a full 6 → 16 convolution).
 */
public class LeNet5 extends Sequential {
    private final int imageSize;

    /**
     * @param imageSize 32, or 28 (then the first convolution pads by 2)
     * @param maxPool   max pooling, else average pooling
     */
    public LeNet5(int inChannels, int classes, int imageSize, Activation.Kind activation, boolean maxPool, DType dtype, SplittableRandom rng) {
        super(layers(inChannels, classes, imageSize, activation, maxPool, dtype, rng));
        this.imageSize = imageSize;
    }

    /** ReLU and max pooling, float32. */
    public LeNet5(int inChannels, int classes, int imageSize, SplittableRandom rng) {
        this(inChannels, classes, imageSize, Activation.Kind.RELU, true, DType.FLOAT32, rng);
    }

    /** The 1998 choices: tanh and average pooling. */
    public static LeNet5 classic(int inChannels, int classes, int imageSize, DType dtype, SplittableRandom rng) {
        return new LeNet5(inChannels, classes, imageSize, Activation.Kind.TANH, false, dtype, rng);
    }

    private static List<Module> layers(int inChannels, int classes, int imageSize, Activation.Kind act, boolean maxPool, DType dtype,
                                       SplittableRandom rng) {
        if (imageSize != 32 && imageSize != 28) throw new IllegalArgumentException("LeNet5: image size " + imageSize + " must be 32 or 28");
        if (inChannels <= 0 || classes <= 0) throw new IllegalArgumentException("LeNet5: channels " + inChannels + " and classes " + classes + " must be positive");
        int pad = imageSize == 28 ? 2 : 0;
        return List.of(
                new Conv2d(inChannels, 6, 5, 1, pad, 1, true, dtype, rng), Activation.of(act), pool(maxPool),
                new Conv2d(6, 16, 5, 1, 0, 1, true, dtype, rng), Activation.of(act), pool(maxPool),
                new Flatten(),
                new Linear(16 * 5 * 5, 120, true, dtype, rng), Activation.of(act),
                new Linear(120, 84, true, dtype, rng), Activation.of(act),
                new Linear(84, classes, true, dtype, rng));
    }

    private static Pool2d pool(boolean max) {
        return max ? Pool2d.max(2, 2, 0) : Pool2d.average(2, 2, 0, true);
    }

    public int imageSize() {
        return imageSize;
    }

    /** The two convolutions, input side first. */
    public List<Conv2d> convs() {
        return layers().stream().filter(m -> m instanceof Conv2d).map(m -> (Conv2d) m).toList();
    }

    /** The three fully connected layers, input side first. */
    public List<Linear> linears() {
        return layers().stream().filter(m -> m instanceof Linear).map(m -> (Linear) m).toList();
    }

    @Override
    protected String describe() {
        return "LeNet5";
    }
}
