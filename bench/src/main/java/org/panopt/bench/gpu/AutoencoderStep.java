package org.panopt.bench.gpu;

import java.util.SplittableRandom;
import org.panopt.autograd.Autograd;
import org.panopt.nn.Activation;
import org.panopt.nn.loss.Reduction;
import org.panopt.nn.loss.SigmoidCrossEntropy;
import org.panopt.nn.models.DeepAutoencoder;
import org.panopt.tensor.DType;
import org.panopt.tensor.Device;
import org.panopt.tensor.Tensor;

/**
 * One training step of the MNIST autoencoder (784-1000-500-250-30-250-500-1000-784, logistic units,
 * sigmoid cross-entropy summed per case and averaged over the batch), plain SGD: forward, backward,
 * update — what {@code torch_reference.py} times in PyTorch eager mode.
 */
public final class AutoencoderStep {
    public static final double LEARNING_RATE = 0.003;

    private final DeepAutoencoder model;
    private final Tensor x;
    private final SigmoidCrossEntropy loss = new SigmoidCrossEntropy(Reduction.BATCH_MEAN);

    /** The model and a batch of {@code batch} synthetic images in (0, 1), on {@code device}. */
    public AutoencoderStep(int batch, Device device) {
        model = DeepAutoencoder.mnist(Activation.Kind.SIGMOID, DType.FLOAT32, new SplittableRandom(7));
        model.to(device);
        SplittableRandom rng = new SplittableRandom(3);
        x = Tensor.rand(rng, 0, 1, DType.FLOAT32, batch, 784).to(device);
    }

    /** One step; returns the loss tensor (not read, so the device is not waited for). */
    public Tensor run() {
        model.zeroGrad();
        Tensor l = loss.loss(model.forward(x), x);
        l.backward();
        Autograd.noGrad(() -> {
            for (Tensor p : model.parameters()) p.addInPlace(p.grad(), -LEARNING_RATE);
        });
        return l;
    }
}
