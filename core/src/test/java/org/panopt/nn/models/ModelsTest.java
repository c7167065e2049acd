package org.panopt.nn.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import org.panopt.nn.Activation;
import org.panopt.nn.BatchNorm;
import org.panopt.nn.Linear;
import org.panopt.nn.Module;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Parameter counts against the published numbers, output shapes, and the structure of each model. */
class ModelsTest {

    private static SplittableRandom rng() {
        return new SplittableRandom(42);
    }

    /** Σ (in·out + out) over consecutive widths: a fully connected net with biases. */
    private static long denseCount(List<Integer> widths) {
        long n = 0;
        for (int i = 0; i + 1 < widths.size(); i++) n += (long) widths.get(i) * widths.get(i + 1) + widths.get(i + 1);
        return n;
    }

    // ---------------------------------------------------------------- parameter counts

    @Test
    void mnistAutoencoderHasTheHandCountedParameters() {
        DeepAutoencoder ae = DeepAutoencoder.mnist(rng());
        // 785,000 + 500,500 + 125,250 + 7,530 + 7,750 + 125,500 + 501,000 + 784,784: weights 2,833,000, biases 4,314.
        assertThat(ae.parameterCount()).isEqualTo(2_837_314L).isEqualTo(denseCount(List.of(784, 1000, 500, 250, 30, 250, 500, 1000, 784)));
        assertThat(ae.linears()).hasSize(8).allMatch(Linear::hasBias);
        assertThat(ae.codeWidth()).isEqualTo(30);
    }

    @Test
    void curvesAndFacesAutoencodersHaveTheirWidths() {
        DeepAutoencoder curves = DeepAutoencoder.curves(rng());
        List<Integer> cw = List.of(784, 400, 200, 100, 50, 25, 6, 25, 50, 100, 200, 400, 784);
        assertThat(curves.widths()).isEqualTo(cw);
        assertThat(curves.parameterCount()).isEqualTo(denseCount(cw)).isEqualTo(842_340L);
        assertThat(curves.codeWidth()).isEqualTo(6);
        assertThat(curves.outputLoss()).isEqualTo(DeepAutoencoder.OutputLoss.SIGMOID_CROSS_ENTROPY);

        DeepAutoencoder faces = DeepAutoencoder.faces(Activation.Kind.TANH, DType.FLOAT32, rng());
        List<Integer> fw = List.of(625, 2000, 1000, 500, 30, 500, 1000, 2000, 625);
        assertThat(faces.parameterCount()).isEqualTo(denseCount(fw)).isEqualTo(7_537_655L);
        assertThat(faces.outputLoss()).isEqualTo(DeepAutoencoder.OutputLoss.SQUARED_ERROR);
    }

    @Test
    void kfacClassifierHasItsWidthsAndTanh() {
        Mlp net = Mlp.kfacFisherClassifier(DType.FLOAT32, rng());
        assertThat(net.widths()).containsExactly(256, 20, 20, 20, 20, 20, 10);
        assertThat(net.parameterCount()).isEqualTo(denseCount(net.widths())).isEqualTo(256 * 20 + 20 + 4 * (20 * 20 + 20) + 20 * 10 + 10);
        assertThat(net.layers()).filteredOn(m -> m instanceof Activation).hasSize(5)
                .allMatch(m -> ((Activation) m).kind() == Activation.Kind.TANH);
    }

    @Test
    void leNet5Has61706Parameters() {
        assertThat(new LeNet5(1, 10, 32, rng()).parameterCount()).isEqualTo(61_706L);
        assertThat(new LeNet5(1, 10, 28, rng()).parameterCount()).isEqualTo(61_706L);
        // Three input channels: the first conv gains 2·6·25 weights.
        assertThat(LeNet5.classic(3, 10, 32, DType.FLOAT32, rng()).parameterCount()).isEqualTo(61_706L + 300);
    }

    @Test
    void vgg11ForCifarHas9228362Parameters() {
        VggNet vgg = VggNet.vgg11(3, 10, 32, rng());
        assertThat(vgg.parameterCount()).isEqualTo(9_228_362L).isEqualTo(9_231_114L - 2_752L);
        assertThat(vgg.convs()).hasSize(8).allMatch(c -> c.bias() == null);
        assertThat(vgg.classifier().inFeatures()).isEqualTo(512);
    }

    @Test
    void vgg16AndNonAffineAndScaledCounts() {
        // pytorch-cifar VGG16: 14,728,266 with 4,224 conv biases.
        assertThat(VggNet.vgg16(3, 10, 32, rng()).parameterCount()).isEqualTo(14_728_266L - 4_224L);
        // Without trainable γ, β: 2·2,752 fewer parameters; the running statistics stay as buffers.
        VggNet plain = VggNet.vgg11(3, 10, 32, 1, false, DType.FLOAT32, rng());
        assertThat(plain.parameterCount()).isEqualTo(9_228_362L - 2 * 2_752L);
        assertThat(plain.stateDict()).containsKey("1.runningMean").doesNotContainKey("1.weight");
        // Half width: every conv channel halved, classifier 256·10 + 10.
        VggNet half = VggNet.vgg11(3, 10, 32, 0.5, true, DType.FLOAT32, rng());
        assertThat(half.config()).containsExactly(32, -1, 64, -1, 128, 128, -1, 256, 256, -1, 256, 256, -1);
        long convs = 3 * 32 * 9 + 32 * 64 * 9 + 64 * 128 * 9 + 128 * 128 * 9 + 128 * 256 * 9 + 3 * 256 * 256 * 9;
        long bns = 2 * (32 + 64 + 128 + 128 + 256 * 4);
        assertThat(half.parameterCount()).isEqualTo(convs + bns + 256 * 10 + 10);
    }

    @Test
    void vggOnSmallImagesKeepsTheRemainingSpatialSize() {
        // Two pools on 8×8 leave 2×2 maps of 8 channels: classifier input 32.
        VggNet vgg = new VggNet(1, 5, 8, List.of(4, VggNet.M, 8, VggNet.M), true, DType.FLOAT32, rng());
        assertThat(vgg.classifier().inFeatures()).isEqualTo(32);
        assertThatThrownBy(() -> VggNet.vgg11(1, 10, 16, rng())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("below 1×1");
        assertThatThrownBy(() -> new VggNet(1, 5, 8, List.of(4, -2), true, DType.FLOAT32, rng()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-2");
    }

    @Test
    void resNet18ForCifarHas11173962Parameters() {
        ResNet18 net = new ResNet18(3, 10, rng());
        assertThat(net.parameterCount()).isEqualTo(11_173_962L);
        assertThat(net.stages()).hasSize(4);
        // Projection shortcuts exactly where the shape changes: first block of stages 2–4.
        List<Boolean> projections = net.stages().stream()
                .flatMap(s -> s.layers().stream()).map(b -> ((BasicBlock) b).hasProjection()).toList();
        assertThat(projections).containsExactly(false, false, true, false, true, false, true, false);
        assertThat(net.stateDict()).containsKeys("conv1.weight", "bn1.runningVar", "layer2.0.shortcut.0.weight", "layer4.1.bn2.bias", "linear.bias");
    }

    @Test
    void resNet18WidthScalesParameters() {
        // Every conv weight scales with w², BN with w, and the classifier with w: check w = 16 by formula.
        int w = 16;
        long convs = 3L * w * 9; // stem
        long bn = 2L * w;
        int c = w;
        for (int i = 0; i < 4; i++) {
            int o = w << i;
            convs += (long) c * o * 9 + (long) o * o * 9 + 2L * o * o * 9; // block 1 (two convs) + block 2 (two convs)
            bn += 4L * 2 * o;
            if (c != o) {
                convs += (long) c * o;
                bn += 2L * o;
            }
            c = o;
        }
        long expected = convs + bn + 8L * w * 10 + 10;
        assertThat(new ResNet18(3, 10, w, DType.FLOAT32, rng()).parameterCount()).isEqualTo(expected);
        assertThat(new ResNet18(3, 10, 64, DType.FLOAT32, rng()).parameterCount()).isEqualTo(11_173_962L);
    }

    // ---------------------------------------------------------------- structure and shapes

    @Test
    void mlpPutsActivationsBetweenLayersOnly() {
        Mlp net = new Mlp(List.of(5, 7, 3, 2), Activation.Kind.RELU, false, DType.FLOAT64, rng());
        assertThat(net.layers()).extracting(m -> m.getClass().getSimpleName())
                .containsExactly("Linear", "Activation", "Linear", "Activation", "Linear");
        assertThat(net.linears()).extracting(Linear::inFeatures).containsExactly(5, 7, 3);
        assertThat(net.linears()).noneMatch(Linear::hasBias);
        Tensor y = net.forward(Tensor.randn(rng(), DType.FLOAT64, 4, 5));
        assertThat(y.dims()).containsExactly(4, 2);
        assertThat(y.dtype()).isEqualTo(DType.FLOAT64);
        assertThatThrownBy(() -> new Mlp(List.of(5), Activation.Kind.RELU, rng())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void autoencoderCodeAndOutputLayersAreLinear() {
        DeepAutoencoder ae = new DeepAutoencoder(List.of(12, 8, 3, 8, 12), Activation.Kind.SIGMOID,
                DeepAutoencoder.OutputLoss.SQUARED_ERROR, DType.FLOAT64, rng());
        assertThat(ae.layers()).extracting(m -> m.getClass().getSimpleName())
                .containsExactly("Linear", "Activation", "Linear", "Linear", "Activation", "Linear");
        assertThat(ae.codeLayer()).isEqualTo(2);
        Tensor x = Tensor.rand(rng(), 0, 1, DType.FLOAT64, 5, 12);
        Tensor code = ae.encode(x);
        assertThat(code.dims()).containsExactly(5, 3);
        // The code is the second Linear's output, not squashed: compare with a manual pass.
        Linear l0 = ae.linears().get(0);
        Linear l1 = ae.linears().get(1);
        Tensor manual = l1.forward(l0.forward(x).sigmoid());
        assertThat(code.toDoubleArray()).containsExactly(manual.toDoubleArray());
        assertThat(ae.forward(x).dims()).containsExactly(5, 12);
        // The paper's autoencoders would have the logistic units everywhere but the code and output layers.
        DeepAutoencoder mnist = DeepAutoencoder.mnist(rng());
        assertThat(mnist.layers()).filteredOn(m -> m instanceof Activation).hasSize(6)
                .allMatch(m -> ((Activation) m).kind() == Activation.Kind.SIGMOID);
        assertThat(mnist.layers().getLast()).isInstanceOf(Linear.class);
    }

    @Test
    void sparseInitializationGivesFifteenWeightsPerUnitAndZeroBiases() {
        DeepAutoencoder ae = new DeepAutoencoder(List.of(40, 20, 6, 20, 40), Activation.Kind.SIGMOID,
                DeepAutoencoder.OutputLoss.SIGMOID_CROSS_ENTROPY, DType.FLOAT64, rng()).initializeSparse(rng());
        for (Linear l : ae.linears()) {
            double[] w = l.weight().toDoubleArray();
            int in = l.inFeatures();
            for (int r = 0; r < l.outFeatures(); r++) {
                int nz = 0;
                for (int j = 0; j < in; j++) if (w[r * in + j] != 0) nz++;
                assertThat(nz).as("row %d of %s", r, l).isEqualTo(Math.min(15, in));
            }
            assertThat(l.bias().toDoubleArray()).containsOnly(0.0);
        }
    }

    @Test
    void forwardShapes() {
        assertThat(DeepAutoencoder.curves(Activation.Kind.TANH, DType.FLOAT32, rng()).forward(Tensor.rand(rng(), 0, 1, DType.FLOAT32, 2, 784)).dims())
                .containsExactly(2, 784);
        assertThat(Mlp.kfacFisherClassifier(DType.FLOAT32, rng()).forward(Tensor.randn(rng(), DType.FLOAT32, 3, 256)).dims())
                .containsExactly(3, 10);
        assertThat(new LeNet5(1, 10, 32, rng()).forward(Tensor.randn(rng(), DType.FLOAT32, 2, 1, 32, 32)).dims()).containsExactly(2, 10);
        assertThat(LeNet5.classic(1, 10, 28, DType.FLOAT32, rng()).forward(Tensor.randn(rng(), DType.FLOAT32, 2, 1, 28, 28)).dims())
                .containsExactly(2, 10);
        assertThat(VggNet.vgg11(3, 10, 32, 0.25, true, DType.FLOAT32, rng()).forward(Tensor.randn(rng(), DType.FLOAT32, 2, 3, 32, 32)).dims())
                .containsExactly(2, 10);
        ResNet18 resnet = new ResNet18(3, 10, rng());
        Tensor logits = resnet.forward(Tensor.randn(rng(), DType.FLOAT32, 1, 3, 32, 32));
        assertThat(logits.dims()).containsExactly(1, 10);
        for (double v : logits.toDoubleArray()) assertThat(v).isFinite();
        assertThat(new ResNet18(1, 7, 8, DType.FLOAT64, rng()).forward(Tensor.randn(rng(), DType.FLOAT64, 2, 1, 16, 16)).dims())
                .containsExactly(2, 7);
    }

    @Test
    void leNetRejectsOtherImageSizes() {
        assertThatThrownBy(() -> new LeNet5(1, 10, 30, rng())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("30");
    }

    @Test
    void trainAndEvalRecurseIntoEveryModule() {
        ResNet18 net = new ResNet18(3, 10, 8, DType.FLOAT32, rng());
        assertThat(net.modules()).hasSizeGreaterThan(40).allMatch(Module::isTraining);
        net.eval();
        assertThat(net.modules()).noneMatch(Module::isTraining);
        net.train();
        assertThat(net.modules()).allMatch(Module::isTraining);
    }

    @Test
    void resNetEvalUsesRunningStatisticsSoOneImageDoesNotDependOnTheBatch() {
        ResNet18 net = new ResNet18(3, 4, 4, DType.FLOAT64, rng());
        Tensor batch = Tensor.randn(rng(), DType.FLOAT64, 3, 3, 8, 8);
        net.forward(batch); // updates the running statistics
        net.eval();
        double[] alone = net.forward(batch.slice(0, 1)).toDoubleArray();
        double[] inBatch = net.forward(batch).slice(0, 1).toDoubleArray();
        for (int i = 0; i < alone.length; i++) assertThat(alone[i]).isCloseTo(inBatch[i], org.assertj.core.data.Offset.offset(1e-12));
        net.train();
        double[] trainAlone = net.forward(batch.slice(0, 2)).slice(0, 1).toDoubleArray();
        double[] trainBatch = net.forward(batch).slice(0, 1).toDoubleArray();
        assertThat(trainAlone).isNotEqualTo(trainBatch); // batch statistics differ
    }

    @Test
    void batchNormsInVggAreBeforeEachRelu() {
        VggNet vgg = new VggNet(1, 5, 8, List.of(4, VggNet.M, 8), false, DType.FLOAT32, rng());
        assertThat(vgg.layers()).extracting(m -> m.getClass().getSimpleName())
                .containsExactly("Conv2d", "BatchNorm", "Activation", "Pool2d", "Conv2d", "BatchNorm", "Activation", "Flatten", "Linear");
        assertThat(vgg.layers()).filteredOn(m -> m instanceof BatchNorm).allMatch(m -> ((BatchNorm) m).weight() == null);
    }
}
