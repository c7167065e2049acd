package org.panopt.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.panopt.autograd.Autograd;
import org.panopt.nn.Module;
import org.panopt.nn.loss.Loss;
import org.panopt.nn.loss.Reduction;
import org.panopt.nn.loss.SigmoidCrossEntropy;
import org.panopt.nn.loss.SoftmaxCrossEntropy;
import org.panopt.nn.models.DeepAutoencoder;
import org.panopt.nn.models.LeNet5;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * One model, one fixed float32 mini-batch and its loss: what the training-step and HVP benchmarks time.
 * <ul>
 * <li>{@code autoencoder}: the K-FAC paper's MNIST autoencoder 784-1000-500-250-30-250-500-1000-784 (logistic
 *     hidden units, linear code), sigmoid cross-entropy summed per case and averaged over a batch of 256;</li>
 * <li>{@code lenet5}: LeNet-5 on 28×28 single-channel images (ReLU, max pooling), 10 classes, softmax
 *     cross-entropy, batch 64.</li>
 * </ul>
 * The inputs are seeded random pixels in [0, 1) (and random labels), not MNIST itself: the time of a step does
 * not depend on the values.
 */
final class TrainingStep {
    /** The models the benchmarks take as their {@code model} parameter. */
    static final String AUTOENCODER = "autoencoder";
    static final String LENET5 = "lenet5";

    final Module model;
    final List<Tensor> params;
    private final Loss loss;
    private final Tensor input;
    private final Tensor target;

    private TrainingStep(Module model, Loss loss, Tensor input, Tensor target) {
        this.model = model;
        this.params = model.parameters();
        this.loss = loss;
        this.input = input;
        this.target = target;
    }

    static TrainingStep of(String name) {
        SplittableRandom rng = new SplittableRandom(2015);
        return switch (name) {
            case AUTOENCODER -> {
                Tensor x = Tensor.rand(rng, 0, 1, DType.FLOAT32, 256, 784);
                yield new TrainingStep(DeepAutoencoder.mnist(rng), new SigmoidCrossEntropy(Reduction.BATCH_MEAN), x, x);
            }
            case LENET5 -> {
                double[] labels = new double[64];
                for (int i = 0; i < labels.length; i++) labels[i] = rng.nextInt(10);
                yield new TrainingStep(new LeNet5(1, 10, 28, rng), new SoftmaxCrossEntropy(),
                        Tensor.rand(rng, 0, 1, DType.FLOAT32, 64, 1, 28, 28), Tensor.of(labels).to(DType.FLOAT32));
            }
            default -> throw new IllegalArgumentException("unknown model '" + name + "': use " + AUTOENCODER + " or " + LENET5);
        };
    }

    /** The forward pass and the loss, recorded for autograd. */
    Tensor loss() {
        return loss.loss(model.forward(input), target);
    }

    /** Forward, backward into every parameter's grad, and plain SGD w ← w − lr·∂L/∂w; returns the loss. */
    double sgdStep(double lr) {
        model.zeroGrad();
        Tensor l = loss();
        l.backward();
        Autograd.noGrad(() -> {
            for (Tensor p : params) p.addInPlace(p.grad(), -lr);
        });
        return l.item();
    }

    /** Forward and ∂L/∂θ for every parameter block, without touching the parameters' grad. */
    List<Tensor> gradient() {
        return Autograd.grad(List.of(loss()), params, null, false);
    }

    /** Forward and the exact Hessian–vector product H·v by double back-propagation. */
    List<Tensor> hvp(List<Tensor> v) {
        return Autograd.hvp(loss(), params, v);
    }

    /** A seeded standard-normal direction, one block per parameter. */
    List<Tensor> randomDirection() {
        SplittableRandom rng = new SplittableRandom(7);
        List<Tensor> v = new ArrayList<>();
        for (Tensor p : params) v.add(Tensor.randn(rng, p.dtype(), p.dims()));
        return v;
    }
}
