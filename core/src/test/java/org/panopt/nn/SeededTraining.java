package org.panopt.nn;

import java.util.List;
import java.util.SplittableRandom;
import org.panopt.autograd.Autograd;
import org.panopt.nn.loss.SoftmaxCrossEntropy;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * A small float32 network (convolution, tanh, max pooling, sigmoid, softplus, softmax cross-entropy) trained by
 * plain SGD from a fixed seed, for {@code TrainingDeterminismTest}. Prints one line per repetition:
 * {@code RUN <rep> <bits of the final loss> <hash of the bits of every parameter>}. Repetitions retrain from
 * scratch, so in a JIT JVM the first ones run interpreted and the last ones compiled.
 *
 * <p>Usage: {@code SeededTraining repetitions [steps]}.
 */
public final class SeededTraining {
    private SeededTraining() {}

    public static void main(String[] args) {
        int repetitions = Integer.parseInt(args[0]);
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        for (int rep = 0; rep < repetitions; rep++) System.out.println("RUN " + rep + " " + train(steps));
    }

    /** The final loss's bits and a hash of the parameters' bits after {@code steps} SGD steps from seed 7. */
    static String train(int steps) {
        SplittableRandom rng = new SplittableRandom(7);
        Module net = new Sequential(
                new Conv2d(1, 4, 3, 1, 1, true, rng), Activation.tanh(), Pool2d.max(2, 2, 0), new Flatten(),
                new Linear(4 * 4 * 4, 32, true, rng), Activation.sigmoid(),
                new Linear(32, 24, true, rng), Activation.softplus(),
                new Linear(24, 5, true, rng));
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        Tensor images = Tensor.randn(rng, DType.FLOAT32, 32, 1, 8, 8);
        float[] classes = new float[32];
        for (int i = 0; i < classes.length; i++) classes[i] = rng.nextInt(5);
        Tensor labels = Tensor.of(classes, 32);
        List<Tensor> params = net.parameters();
        double last = Double.NaN;
        for (int step = 0; step < steps; step++) {
            int from = 8 * (step % 4);
            net.zeroGrad();
            Tensor l = loss.loss(net.forward(images.slice(from, from + 8)), labels.slice(from, from + 8));
            l.backward();
            Autograd.noGrad(() -> {
                for (Tensor p : params) p.addInPlace(p.grad(), -0.5);
            });
            last = l.item();
        }
        long h = 1125899906842597L;
        for (Tensor p : params) for (float v : p.toFloatArray()) h = 31 * h + Float.floatToIntBits(v);
        return Long.toHexString(Double.doubleToLongBits(last)) + " " + Long.toHexString(h);
    }
}
