package org.panopt.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.panopt.autograd.Autograd;
import org.panopt.nn.loss.MeanSquaredError;
import org.panopt.nn.loss.Reduction;
import org.panopt.nn.loss.SoftmaxCrossEntropy;
import org.panopt.nn.models.Mlp;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * Forward hooks deliver a layer's input ā and backward hooks the gradient g = ∂L/∂(layer output): exactly the
 * statistics K-FAC builds its factors from. Checked the way K-FAC uses them — the weight gradient rebuilt from
 * the hooks' ā and g (∂L/∂W = Σ_cases g āᵀ for a linear layer, Σ_images G·im2col(ā)ᵀ for a convolution) equals
 * the one back-propagation accumulates — and hooks go away when their handle is removed.
 */
class ModuleHooksTest {
    private static final double TOL = 1e-12;

    /** What the hooks saw for one layer. */
    private static final class Seen {
        Tensor input;
        Tensor output;
        Tensor gradOutput;
        int forwards;
        int backwards;
    }

    private static Map<Module, Seen> watch(List<? extends Module> layers) {
        Map<Module, Seen> seen = new IdentityHashMap<>();
        for (Module m : layers) {
            Seen s = new Seen();
            seen.put(m, s);
            m.registerForwardHook((module, in, out) -> {
                assertThat(module).isSameAs(m);
                s.input = in;
                s.output = out;
                s.forwards++;
            });
            m.registerBackwardHook((module, g) -> {
                assertThat(module).isSameAs(m);
                s.gradOutput = g;
                s.backwards++;
            });
        }
        return seen;
    }

    private static void assertClose(double[] actual, double[] expected, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) assertThat(actual[i]).as("%s element %d", what, i).isCloseTo(expected[i], within(TOL));
    }

    @Test
    void linearHooksGiveTheActivationsAndPreActivationGradientsOfTheWeightGradient() {
        SplittableRandom rng = new SplittableRandom(3);
        Mlp net = new Mlp(List.of(5, 4, 3, 2), Activation.Kind.TANH, true, DType.FLOAT64, rng);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 6, 5);
        Tensor labels = Tensor.of(new double[] {0, 1, 1, 0, 1, 0});
        Map<Module, Seen> seen = watch(net.linears());

        // g from the backward hooks equals ∂L/∂s_i computed directly with respect to the hooked outputs s_i.
        Tensor loss = new SoftmaxCrossEntropy().loss(net.forward(x), labels);
        List<Tensor> outputs = net.linears().stream().map(l -> seen.get(l).output).toList();
        List<Tensor> direct = Autograd.grad(List.of(loss), outputs, null, false);
        for (int i = 0; i < outputs.size(); i++) {
            Seen s = seen.get(net.linears().get(i));
            assertThat(s.backwards).isEqualTo(1);
            assertClose(s.gradOutput.toDoubleArray(), direct.get(i).toDoubleArray(), "g of layer " + i);
        }

        // A training pass: ā is the previous layer's activation, and Σ_n g_n ā_nᵀ, Σ_n g_n are the accumulated gradients.
        net.zeroGrad();
        new SoftmaxCrossEntropy().loss(net.forward(x), labels).backward();
        Tensor expectedInput = x;
        for (int i = 0; i < net.linears().size(); i++) {
            Linear layer = net.linears().get(i);
            Seen s = seen.get(layer);
            assertThat(s.forwards).isEqualTo(2);
            assertThat(s.backwards).isEqualTo(2);
            assertClose(s.input.toDoubleArray(), expectedInput.toDoubleArray(), "ā of layer " + i);
            int n = x.dim(0), in = layer.inFeatures(), out = layer.outFeatures();
            double[] a = s.input.toDoubleArray();
            double[] g = s.gradOutput.toDoubleArray();
            double[] dw = new double[out * in];
            double[] db = new double[out];
            double[] dwHomogeneous = new double[out * (in + 1)]; // K-FAC's [W b] against ā extended by a 1
            for (int c = 0; c < n; c++) {
                for (int o = 0; o < out; o++) {
                    for (int j = 0; j < in; j++) {
                        dw[o * in + j] += g[c * out + o] * a[c * in + j];
                        dwHomogeneous[o * (in + 1) + j] += g[c * out + o] * a[c * in + j];
                    }
                    db[o] += g[c * out + o];
                    dwHomogeneous[o * (in + 1) + in] += g[c * out + o];
                }
            }
            assertClose(layer.weight().grad().toDoubleArray(), dw, "∂L/∂W of layer " + i);
            assertClose(layer.bias().grad().toDoubleArray(), db, "∂L/∂b of layer " + i);
            Tensor homogeneousGrad = Tensor.concat(1, layer.weight().grad(), layer.bias().grad().reshape(out, 1));
            assertClose(homogeneousGrad.toDoubleArray(), dwHomogeneous, "∂L/∂[W b] of layer " + i);
            expectedInput = Autograd.noGrad(() -> s.output.tanh());
        }
    }

    /** The column matrix of one image, built directly: cols[(c·k + i)·k + j][oh·OW + ow] = x[c][oh·s − p + i·d][ow·s − p + j·d]. */
    private static double[][] im2col(Tensor x, int image, int k, int stride, int pad, int dilation, int outH, int outW) {
        int channels = x.dim(1), h = x.dim(2), w = x.dim(3);
        double[][] cols = new double[channels * k * k][outH * outW];
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < k; i++)
                for (int j = 0; j < k; j++)
                    for (int oh = 0; oh < outH; oh++)
                        for (int ow = 0; ow < outW; ow++) {
                            int ih = oh * stride - pad + i * dilation;
                            int iw = ow * stride - pad + j * dilation;
                            if (ih >= 0 && ih < h && iw >= 0 && iw < w) cols[(c * k + i) * k + j][oh * outW + ow] = x.at(image, c, ih, iw);
                        }
        return cols;
    }

    @ParameterizedTest(name = "kernel {0}, stride {1}, padding {2}, dilation {3}")
    @CsvSource({"3, 1, 0, 1", "3, 2, 1, 1", "2, 1, 2, 2", "1, 2, 0, 1"})
    void convHooksGiveTheWeightGradientThroughIm2col(int k, int stride, int pad, int dilation) {
        SplittableRandom rng = new SplittableRandom(5);
        Conv2d conv = new Conv2d(2, 3, k, stride, pad, dilation, true, DType.FLOAT64, rng);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 3, 2, 5, 6);
        int outH = (5 + 2 * pad - dilation * (k - 1) - 1) / stride + 1;
        int outW = (6 + 2 * pad - dilation * (k - 1) - 1) / stride + 1;
        Sequential net = new Sequential(conv, Activation.tanh(), new Flatten(), new Linear(3 * outH * outW, 2, true, DType.FLOAT64, rng));
        Seen s = watch(List.of(conv)).get(conv);
        Tensor target = Tensor.randn(rng, DType.FLOAT64, 3, 2);
        new MeanSquaredError(1, Reduction.SUM).loss(net.forward(x), target).backward();

        assertThat(s.input).isSameAs(x);
        assertThat(s.gradOutput.dims()).containsExactly(3, 3, outH, outW);
        int rows = 2 * k * k;
        int plane = outH * outW;
        double[] g = s.gradOutput.toDoubleArray();
        double[] dw = new double[3 * rows];
        double[] db = new double[3];
        for (int n = 0; n < 3; n++) {
            double[][] cols = im2col(s.input, n, k, stride, pad, dilation, outH, outW);
            for (int f = 0; f < 3; f++) {
                for (int p = 0; p < plane; p++) {
                    double gf = g[(n * 3 + f) * plane + p];
                    for (int r = 0; r < rows; r++) dw[f * rows + r] += gf * cols[r][p];
                    db[f] += gf;
                }
            }
        }
        assertClose(conv.weight().grad().toDoubleArray(), dw, "∂L/∂W = Σ G·im2col(ā)ᵀ");
        assertClose(conv.bias().grad().toDoubleArray(), db, "∂L/∂b = Σ G");
    }

    @Test
    void handlesRemoveTheirHooks() {
        SplittableRandom rng = new SplittableRandom(9);
        Linear layer = new Linear(3, 2, true, DType.FLOAT64, rng);
        AtomicInteger forwards = new AtomicInteger();
        AtomicInteger backwards = new AtomicInteger();
        Module.HookHandle f = layer.registerForwardHook((m, in, out) -> forwards.incrementAndGet());
        Module.HookHandle b = layer.registerBackwardHook((m, g) -> backwards.incrementAndGet());
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 4, 3);
        layer.forward(x).sum().backward();
        assertThat(forwards).hasValue(1);
        assertThat(backwards).hasValue(1);
        f.remove();
        b.remove();
        layer.forward(x).sum().backward();
        assertThat(forwards).hasValue(1);
        assertThat(backwards).hasValue(1);
    }

    /** Regression: a handle removes its own registration only, once; it used to remove any equal hook on every call. */
    @Test
    void aHandleRemovesOnlyItsOwnRegistrationEvenWhenCalledTwice() {
        Linear layer = new Linear(3, 2, true, DType.FLOAT64, new SplittableRandom(1));
        List<String> calls = new ArrayList<>();
        Module.ForwardHook hook = (m, in, out) -> calls.add("hook");
        Module.BackwardHook back = (m, g) -> calls.add("back");
        Module.HookHandle first = layer.registerForwardHook(hook);
        layer.registerForwardHook(hook);
        Module.HookHandle firstBack = layer.registerBackwardHook(back);
        layer.registerBackwardHook(back);
        first.remove();
        first.remove();
        firstBack.remove();
        firstBack.remove();
        layer.forward(Tensor.randn(new SplittableRandom(2), DType.FLOAT64, 2, 3)).sum().backward();
        assertThat(calls).containsExactly("hook", "back");
    }

    @Test
    void hooksOnAContainerSeeItsInputAndOutputAndNoGradPassesNeedNoBackwardHook() {
        SplittableRandom rng = new SplittableRandom(4);
        Sequential net = new Sequential(new Linear(3, 3, true, DType.FLOAT64, rng), Activation.sigmoid());
        Seen s = watch(List.of(net)).get(net);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 2, 3).requiresGrad(true);
        Tensor y = net.forward(x);
        assertThat(s.input).isSameAs(x);
        assertThat(s.output).isSameAs(y);
        Tensor upstream = Tensor.randn(rng, DType.FLOAT64, 2, 3);
        y.backward(upstream);
        assertClose(s.gradOutput.toDoubleArray(), upstream.toDoubleArray(), "g of the network output");
        Tensor evaluated = Autograd.noGrad(() -> net.forward(x)); // no graph: nothing to hook, and no error
        assertThat(evaluated.requiresGrad()).isFalse();
        assertThat(s.forwards).isEqualTo(2);
        assertThat(s.backwards).isEqualTo(1);
    }
}
