package org.panopt.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.panopt.autograd.Autograd;
import org.panopt.nn.Activation;
import org.panopt.nn.BatchNorm;
import org.panopt.nn.Linear;
import org.panopt.nn.Module;
import org.panopt.nn.Sequential;
import org.panopt.nn.loss.SigmoidCrossEntropy;
import org.panopt.nn.models.DeepAutoencoder;
import org.panopt.tensor.DType;
import org.panopt.tensor.Device;
import org.panopt.tensor.Tensor;

/** {@code Module.to(device)} and {@code Tensor.setData}: training on another device gives the CPU's numbers. */
class ModuleToDeviceTest {
    private static final Device LOOP = LoopbackBackend.DEVICE;

    private static DeepAutoencoder autoencoder() {
        return new DeepAutoencoder(List.of(12, 8, 3, 8, 12), Activation.Kind.SIGMOID,
                DeepAutoencoder.OutputLoss.SIGMOID_CROSS_ENTROPY, DType.FLOAT32, new SplittableRandom(11));
    }

    /** Losses of a few plain SGD steps (lr 0.5) on fixed data, on {@code device}. */
    private static List<Double> train(Module model, Device device) {
        model.to(device);
        Tensor x = Tensor.rand(new SplittableRandom(5), 0, 1, DType.FLOAT32, 16, 12).to(device);
        List<Double> losses = new ArrayList<>();
        for (int step = 0; step < 4; step++) {
            model.zeroGrad();
            Tensor loss = new SigmoidCrossEntropy().loss(model.forward(x), x);
            loss.backward();
            losses.add(loss.item());
            Autograd.noGrad(() -> {
                for (Tensor p : model.parameters()) p.addInPlace(p.grad(), -0.5);
            });
        }
        return losses;
    }

    @Test
    void movesEveryParameterInPlaceAndTrainsAsOnTheCpu() {
        DeepAutoencoder moved = autoencoder();
        List<Tensor> before = moved.parameters();
        float[] w0 = before.getFirst().toFloatArray();
        List<Double> onLoop = train(moved, LOOP);
        assertThat(moved.parameters()).containsExactlyElementsOf(before); // the same tensor objects
        assertThat(moved.parameters()).allSatisfy(p -> assertThat(p.device()).isEqualTo(LOOP));
        assertThat(moved.linears().getFirst().weight().device()).isEqualTo(LOOP);
        List<Double> onCpu = train(autoencoder(), Device.CPU);
        assertThat(onLoop).containsExactlyElementsOf(onCpu);
        assertThat(w0).containsExactly(autoencoder().parameters().getFirst().toFloatArray());
    }

    @Test
    void movesBuffersAndGradientsAndBack() {
        Sequential net = new Sequential(new Linear(4, 3, true, new SplittableRandom(1)), new BatchNorm(3, false, true));
        Tensor x = Tensor.randn(new SplittableRandom(2), DType.FLOAT32, 5, 4);
        net.forward(x).sum().backward();
        net.to(LOOP);
        assertThat(net.stateDict().values()).allSatisfy(t -> assertThat(t.device()).isEqualTo(LOOP));
        assertThat(net.parameters()).allSatisfy(p -> assertThat(p.grad().device()).isEqualTo(LOOP));
        net.forward(x.to(LOOP)); // running statistics update in place on the device
        net.to(Device.CPU);
        assertThat(net.stateDict().values()).allSatisfy(t -> assertThat(t.device()).isEqualTo(Device.CPU));
    }

    @Test
    void setDataRefusesComputedTensorsAndOtherShapes() {
        Tensor leaf = Tensor.zeros(2, 3);
        assertThatThrownBy(() -> leaf.setData(Tensor.zeros(3, 2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[3, 2]").hasMessageContaining("[2, 3]");
        Tensor w = Tensor.ones(DType.FLOAT32, 2, 3).requiresGrad(true);
        Tensor computed = w.mul(2);
        assertThatThrownBy(() -> computed.setData(Tensor.zeros(2, 3))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("only leaves");
        assertThat(leaf.setData(Tensor.ones(DType.FLOAT64, 2, 3)).toDoubleArray()).containsOnly(1.0);
        assertThat(leaf.dtype()).isEqualTo(DType.FLOAT64);
    }
}
