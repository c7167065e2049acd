package org.panopt.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.panopt.autograd.Autograd;
import org.panopt.init.Initializer;
import org.panopt.nn.Dropout;
import org.panopt.nn.loss.MeanSquaredError;
import org.panopt.nn.loss.SigmoidCrossEntropy;
import org.panopt.nn.loss.SoftmaxCrossEntropy;
import org.panopt.tensor.DType;
import org.panopt.tensor.Device;
import org.panopt.tensor.Tensor;

/**
 * Autograd, initializers, dropout and the losses' samplers keep their tensors on their inputs' device
 * (here {@link LoopbackBackend}'s, standing in for a GPU): each of these created CPU tensors before,
 * which fails on any other device with "tensors on different devices".
 */
class OtherDeviceTest {
    private static final Device LOOP = LoopbackBackend.DEVICE;

    private static Tensor randn(long seed, int... dims) {
        return Tensor.randn(new SplittableRandom(seed), DType.FLOAT64, dims);
    }

    @Test
    void backwardOnAnotherDeviceLeavesGradientsThereWithTheCpuValues() {
        Tensor x = randn(1, 5, 3);
        Tensor wCpu = randn(2, 3, 4).requiresGrad(true);
        Tensor wLoop = randn(2, 3, 4).to(LOOP).requiresGrad(true);
        x.matmul(wCpu).tanh().sum().backward();
        x.to(LOOP).matmul(wLoop).tanh().sum().backward();
        assertThat(wLoop.grad().device()).isEqualTo(LOOP);
        assertThat(wLoop.grad().toDoubleArray()).containsExactly(wCpu.grad().toDoubleArray());
    }

    @Test
    void jacobianVectorProductOnAnotherDevice() {
        Tensor w = randn(3, 3, 2).to(LOOP).requiresGrad(true);
        Tensor v = randn(4, 3, 2).to(LOOP);
        Tensor out = randn(5, 4, 3).to(LOOP).matmul(w).sigmoid();
        Tensor jv = Autograd.jvp(out, List.of(w), List.of(v));
        assertThat(jv.device()).isEqualTo(LOOP);
        Tensor wc = randn(3, 3, 2).requiresGrad(true);
        Tensor expected = Autograd.jvp(randn(5, 4, 3).matmul(wc).sigmoid(), List.of(wc), List.of(randn(4, 3, 2)));
        assertThat(jv.toDoubleArray()).containsExactly(expected.toDoubleArray());
    }

    @Test
    void initializerFillsATensorOnAnotherDevice() {
        Tensor t = Tensor.zeros(DType.FLOAT32, org.panopt.tensor.Shape.of(4, 5), LOOP);
        Initializer.gaussian(0.1).fill(t, new SplittableRandom(3));
        Tensor c = Initializer.gaussian(0.1).fill(Tensor.zeros(DType.FLOAT32, 4, 5), new SplittableRandom(3));
        assertThat(t.device()).isEqualTo(LOOP);
        assertThat(t.toFloatArray()).containsExactly(c.toFloatArray());
    }

    @Test
    void dropoutMasksOnTheInputsDevice() {
        Tensor y = new Dropout(0.5, new SplittableRandom(4)).forward(Tensor.ones(DType.FLOAT32, 6, 7).to(LOOP));
        Tensor c = new Dropout(0.5, new SplittableRandom(4)).forward(Tensor.ones(DType.FLOAT32, 6, 7));
        assertThat(y.device()).isEqualTo(LOOP);
        assertThat(y.toFloatArray()).containsExactly(c.toFloatArray());
    }

    @Test
    void lossesSampleOnTheOutputsDeviceAndTakeLabelsThere() {
        Tensor z = randn(6, 5, 3).to(LOOP);
        assertThat(new MeanSquaredError().sample(z, new SplittableRandom(1)).device()).isEqualTo(LOOP);
        assertThat(new SigmoidCrossEntropy().sample(z, new SplittableRandom(1)).device()).isEqualTo(LOOP);
        Tensor labels = new SoftmaxCrossEntropy().sample(z, new SplittableRandom(1));
        assertThat(labels.device()).isEqualTo(LOOP);
        Tensor loss = new SoftmaxCrossEntropy().loss(z, labels);
        Tensor expected = new SoftmaxCrossEntropy().loss(randn(6, 5, 3), labels.to(Device.CPU));
        assertThat(loss.device()).isEqualTo(LOOP);
        assertThat(loss.item()).isEqualTo(expected.item());
    }
}
