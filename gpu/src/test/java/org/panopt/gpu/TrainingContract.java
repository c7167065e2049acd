package org.panopt.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.panopt.autograd.Autograd;
import org.panopt.nn.loss.Reduction;
import org.panopt.nn.loss.SigmoidCrossEntropy;
import org.panopt.nn.models.DeepAutoencoder;
import org.panopt.tensor.DType;
import org.panopt.tensor.Device;
import org.panopt.tensor.Tensor;

/**
 * A deep autoencoder trained with plain SGD from the same seed on the CPU and on a device: the loss
 * curves agree step for step (float32, so within {@link #tolerance()}), and the loss falls. The data are
 * synthetic images in (0, 1) with low-rank structure — MNIST-shaped, not MNIST (no data set is needed).
 */
@Timeout(600)
abstract class TrainingContract {
    abstract Device device();

    /** The model, built on the CPU from {@code rng}. */
    abstract DeepAutoencoder model(SplittableRandom rng);

    abstract int batch();

    abstract int steps();

    abstract double learningRate();

    /** Relative difference allowed between the CPU's and the device's loss at each step. */
    abstract double tolerance();

    /** sigmoid(3·U·V) for U [n, 6], V [6, features] standard normal: smooth, learnable, in (0, 1). */
    static Tensor images(int n, int features, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor u = Tensor.randn(rng, DType.FLOAT32, n, 6);
        Tensor v = Tensor.randn(rng, DType.FLOAT32, 6, features);
        return u.matmul(v).mul(3.0 / Math.sqrt(6)).sigmoid();
    }

    List<Double> train(Device device) {
        DeepAutoencoder model = model(new SplittableRandom(7));
        model.to(device);
        int features = model.linears().getFirst().inFeatures();
        Tensor x = images(batch(), features, 3).to(device);
        SigmoidCrossEntropy loss = new SigmoidCrossEntropy(Reduction.BATCH_MEAN);
        List<Double> losses = new ArrayList<>();
        for (int step = 0; step < steps(); step++) {
            model.zeroGrad();
            Tensor l = loss.loss(model.forward(x), x);
            l.backward();
            losses.add(l.item());
            Autograd.noGrad(() -> {
                for (Tensor p : model.parameters()) p.addInPlace(p.grad(), -learningRate());
            });
        }
        return losses;
    }

    @Test
    void lossCurveMatchesTheCpuForTheSameSeed() {
        List<Double> cpu = train(Device.CPU);
        List<Double> onDevice = train(device());
        for (int i = 0; i < cpu.size(); i++) {
            assertThat(onDevice.get(i)).as("loss at step %d (cpu %s, device %s)", i, cpu, onDevice)
                    .isCloseTo(cpu.get(i), org.assertj.core.data.Percentage.withPercentage(100 * tolerance()));
        }
        assertThat(onDevice.getLast()).as("the loss falls: %s", onDevice).isLessThan(onDevice.getFirst());
    }
}
