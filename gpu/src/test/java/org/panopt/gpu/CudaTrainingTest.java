package org.panopt.gpu;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.panopt.nn.Activation;
import org.panopt.nn.models.DeepAutoencoder;
import org.panopt.tensor.DType;
import org.panopt.tensor.Device;

/**
 * {@link TrainingContract} on {@code cuda:0} with the MNIST autoencoder of Hinton &amp; Salakhutdinov
 * (784-1000-500-250-30-250-500-1000-784, logistic units) at batch 256 for 15 SGD steps; the CPU and GPU
 * loss curves must agree within 0.1 % at every step. Skipped, with the reason, without CUDA.
 */
class CudaTrainingTest extends TrainingContract {
    @BeforeEach
    void requireCuda() {
        Cuda.Availability a = Cuda.availability();
        assumeTrue(a.available(), "CUDA unavailable: " + a.description());
    }

    @Override
    Device device() {
        return Cuda.device(0);
    }

    @Override
    DeepAutoencoder model(SplittableRandom rng) {
        return DeepAutoencoder.mnist(Activation.Kind.SIGMOID, DType.FLOAT32, rng);
    }

    @Override
    int batch() {
        return 256;
    }

    @Override
    int steps() {
        return 15;
    }

    @Override
    double learningRate() {
        return 0.003;
    }

    @Override
    double tolerance() {
        return 1e-3;
    }
}
