package org.panopt.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.panopt.autograd.Autograd;
import org.panopt.gpu.emulator.EmulatedBackendProvider;
import org.panopt.gpu.emulator.EmulatedRuntime;
import org.panopt.gpu.emulator.KernelEmulator;
import org.panopt.nn.Activation;
import org.panopt.nn.loss.Reduction;
import org.panopt.nn.loss.SigmoidCrossEntropy;
import org.panopt.nn.models.DeepAutoencoder;
import org.panopt.tensor.DType;
import org.panopt.tensor.Device;
import org.panopt.tensor.Tensor;

/**
 * {@link TrainingContract} on the emulated device with a small autoencoder (48-32-8-32-48, batch 16), and
 * the property a GPU needs for speed: a whole training step — forward, backward, SGD update — copies
 * nothing between host and device.
 */
class EmulatedTrainingTest extends TrainingContract {
    private static final Device EMU = new Device(EmulatedBackendProvider.TYPE, 0);

    @BeforeEach
    void requireEmulator() {
        String reason = KernelEmulator.unavailableReason();
        assumeTrue(reason == null, reason);
    }

    @Override
    Device device() {
        return EMU;
    }

    @Override
    DeepAutoencoder model(SplittableRandom rng) {
        return new DeepAutoencoder(List.of(48, 32, 8, 32, 48), Activation.Kind.SIGMOID,
                DeepAutoencoder.OutputLoss.SIGMOID_CROSS_ENTROPY, DType.FLOAT32, rng);
    }

    @Override
    int batch() {
        return 16;
    }

    @Override
    int steps() {
        return 8;
    }

    @Override
    double learningRate() {
        return 0.1;
    }

    @Override
    double tolerance() {
        return 1e-5;
    }

    @Test
    void aTrainingStepCopiesNothingBetweenHostAndDevice() {
        DeepAutoencoder model = model(new SplittableRandom(1));
        model.to(EMU);
        Tensor x = images(16, 48, 2).to(EMU);
        SigmoidCrossEntropy loss = new SigmoidCrossEntropy(Reduction.BATCH_MEAN);
        EmulatedRuntime runtime = EmulatedBackendProvider.runtime(EMU);
        int uploads = runtime.uploads();
        int downloads = runtime.downloads();
        int launches = runtime.launches();
        model.zeroGrad();
        Tensor l = loss.loss(model.forward(x), x);
        l.backward();
        Autograd.noGrad(() -> {
            for (Tensor p : model.parameters()) p.addInPlace(p.grad(), -0.1);
        });
        assertThat(runtime.uploads() - uploads).as("host-to-device copies in a step").isZero();
        assertThat(runtime.downloads() - downloads).as("device-to-host copies in a step").isZero();
        assertThat(runtime.launches() - launches).as("kernels in a step").isPositive();
        l.item();
        assertThat(runtime.downloads() - downloads).as("reading the loss").isEqualTo(1);
    }
}
