package org.panopt.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.panopt.autograd.Autograd;
import org.panopt.autograd.Domain;
import org.panopt.autograd.GradCheck;
import org.panopt.nn.loss.Loss;
import org.panopt.nn.loss.MeanSquaredError;
import org.panopt.nn.loss.Reduction;
import org.panopt.nn.loss.SigmoidCrossEntropy;
import org.panopt.nn.loss.SoftmaxCrossEntropy;
import org.panopt.nn.models.BasicBlock;
import org.panopt.nn.models.DeepAutoencoder;
import org.panopt.nn.models.Mlp;
import org.panopt.nn.models.VggNet;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * Every layer of {@code org.panopt.nn}, called as a {@link Module}, and every loss against central differences
 * in float64, with respect to the layer's input and all its parameters at once — one declarative table of
 * (name, how to build the layer and its input), run through {@link GradCheck#gradCheckVariables} (first
 * order) and {@link GradCheck#gradGradCheckVariables} (second order, of the output and of its square, as
 * in the op matrix: the square's outgoing gradient depends on the variables, so the layer's backward pass
 * is differentiated along its gradient argument too).
 *
 * <p>Parameters are moved off their initial values (γ = 1, β = 0 would hide a transposed γ·x̂ term) by a
 * seeded perturbation. Inputs come from a {@link Domain} that keeps them off the layer's kinks (ReLU and
 * friends at 0, ties of max pooling). Batch norm is checked in training mode, where the batch statistics
 * are part of the function, and in evaluation mode after a few training passes have moved the running
 * statistics. Dropout draws a new mask on every forward pass, so its rows rebuild the layer from the same
 * seed for every evaluation: each evaluation sees the same mask.
 */
class LayerGradientTest {

    /** What a row differentiates: a closure and the tensors it reads (the input and the parameters). */
    record Subject(Supplier<Tensor> output, List<Tensor> variables) {}

    /** One row: its name and how to build its subject from a generator seeded by the name. */
    record Case(String name, Function<SplittableRandom, Subject> subject) {
        @Override
        public String toString() {
            return name;
        }

        Subject build() {
            return subject.apply(new SplittableRandom(name.hashCode()));
        }
    }

    private static final DType F64 = DType.FLOAT64;
    private static final Domain REAL = Domain.REAL;
    private static final Domain NONZERO = Domain.NONZERO;
    private static final Domain DISTINCT = Domain.DISTINCT;

    private static int[] s(int... dims) {
        return dims;
    }

    private static Tensor input(SplittableRandom rng, Domain domain, int[] shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return Tensor.of(domain.sample(rng, n)).reshape(shape).requiresGrad(true);
    }

    // Every parameter moved by 0.3·N(0, 1): off γ = 1, β = 0 and off any symmetric initial value.
    private static <M extends Module> M perturbed(M m, SplittableRandom rng) {
        Autograd.noGrad(() -> {
            for (Tensor p : m.parameters()) p.addInPlace(Tensor.randn(rng, p.dtype(), p.dims()), 0.3);
        });
        return m;
    }

    // Three training passes on shifted, scaled batches (running statistics away from 0 and 1), then eval mode.
    private static Module warmedUpThenEval(Module m, SplittableRandom rng, int[] shape) {
        Autograd.noGrad(() -> {
            for (int i = 0; i < 3; i++) m.forward(Tensor.randn(rng, F64, shape).mul(1.5).add(0.7));
        });
        return m.eval();
    }

    private static List<Tensor> variables(Tensor x, Module m) {
        List<Tensor> v = new ArrayList<>();
        v.add(x);
        v.addAll(m.parameters());
        return v;
    }

    /** A row for the module {@code make} builds, on an input of {@code shape} drawn from {@code domain}. */
    private static Case layer(String name, Function<SplittableRandom, Module> make, Domain domain, int... shape) {
        return new Case(name, rng -> {
            Module m = perturbed(make.apply(rng), rng);
            Tensor x = input(rng, domain, shape);
            return new Subject(() -> m.forward(x), variables(x, m));
        });
    }

    /** A row whose module is rebuilt by {@code make(seed)} for every evaluation (for layers that draw randomness). */
    private static Case rebuiltEachCall(String name, Function<SplittableRandom, Module> make, Domain domain, int... shape) {
        return new Case(name, rng -> {
            Tensor x = input(rng, domain, shape);
            return new Subject(() -> make.apply(new SplittableRandom(99)).forward(x), List.of(x));
        });
    }

    /** A loss row: differentiated with respect to the output z, and the target too when {@code targetVaries}. */
    private static Case loss(String name, Loss loss, int[] shape, Function<SplittableRandom, Tensor> target, boolean targetVaries) {
        return new Case(name, rng -> {
            Tensor z = input(rng, REAL, shape);
            Tensor y = target.apply(rng);
            if (targetVaries) y.requiresGrad(true);
            return new Subject(() -> loss.loss(z, y), targetVaries ? List.of(z, y) : List.of(z));
        });
    }

    /** The loss's output-Hessian product ∇²_z L·v, differentiated in z and v (K-FAC differentiates through it). */
    private static Case outputHessian(String name, Loss loss, int... shape) {
        return new Case(name, rng -> {
            Tensor z = input(rng, REAL, shape);
            Tensor v = input(rng, REAL, shape);
            return new Subject(() -> loss.outputHessianVectorProduct(z, v), List.of(z, v));
        });
    }

    /** Network output fed to a loss: every parameter of the network and its input, through the loss. */
    private static Case networkLoss(String name, Function<SplittableRandom, Module> make, Loss loss, int[] shape,
                                    Function<SplittableRandom, Tensor> target) {
        return new Case(name, rng -> {
            Module m = perturbed(make.apply(rng), rng);
            Tensor x = input(rng, REAL, shape);
            Tensor y = target.apply(rng);
            return new Subject(() -> loss.loss(m.forward(x), y), variables(x, m));
        });
    }

    private static Function<SplittableRandom, Tensor> labels(int n, int classes) {
        return rng -> {
            double[] l = new double[n];
            for (int i = 0; i < n; i++) l[i] = rng.nextInt(classes);
            return Tensor.of(l);
        };
    }

    private static Function<SplittableRandom, Tensor> softTargets(int n, int classes) {
        return rng -> Tensor.randn(rng, F64, n, classes).softmax(1);
    }

    private static Function<SplittableRandom, Tensor> gaussianTargets(int... shape) {
        return rng -> Tensor.randn(rng, F64, shape);
    }

    private static Function<SplittableRandom, Tensor> probabilities(int... shape) {
        return rng -> Tensor.rand(rng, 0.05, 0.95, F64, shape);
    }

    private static Function<SplittableRandom, Tensor> bits(int... shape) {
        return rng -> Tensor.rand(rng, 0, 1, F64, shape).lt(0.5);
    }

    private static Module tanhMlp(SplittableRandom rng, int... widths) {
        List<Integer> w = new ArrayList<>();
        for (int x : widths) w.add(x);
        return new Mlp(w, Activation.Kind.TANH, true, F64, rng);
    }

    static Stream<Case> cases() {
        List<Case> t = new ArrayList<>();

        // ---- Linear: y = x·Wᵀ + b
        t.add(layer("Linear 4→3", rng -> new Linear(4, 3, true, F64, rng), REAL, 5, 4));
        t.add(layer("Linear 4→3 without bias", rng -> new Linear(4, 3, false, F64, rng), REAL, 5, 4));
        t.add(layer("Linear on a rank-3 input [2, 3, 4]", rng -> new Linear(4, 2, true, F64, rng), REAL, 2, 3, 4));
        t.add(layer("Linear 1→1", rng -> new Linear(1, 1, true, F64, rng), REAL, 3, 1));

        // ---- Conv2d
        t.add(layer("Conv2d 2→3 3x3", rng -> new Conv2d(2, 3, 3, 1, 0, 1, true, F64, rng), REAL, 2, 2, 5, 5));
        t.add(layer("Conv2d stride 2 padding 1", rng -> new Conv2d(2, 3, 3, 2, 1, 1, true, F64, rng), REAL, 2, 2, 5, 6));
        t.add(layer("Conv2d dilation 2 padding 2", rng -> new Conv2d(2, 2, 3, 1, 2, 2, true, F64, rng), REAL, 1, 2, 5, 5));
        t.add(layer("Conv2d 2x2 stride 2 without bias", rng -> new Conv2d(3, 2, 2, 2, 0, 1, false, F64, rng), REAL, 2, 3, 4, 5));
        t.add(layer("Conv2d 1x1", rng -> new Conv2d(3, 2, 1, 1, 0, 1, true, F64, rng), REAL, 2, 3, 3, 3));

        // ---- BatchNorm: training mode (batch statistics), evaluation mode (running statistics)
        t.add(layer("BatchNorm1d train affine", rng -> new BatchNorm(3, false, true, 1e-5, 0.1, F64), REAL, 6, 3));
        t.add(layer("BatchNorm1d train non-affine", rng -> new BatchNorm(3, false, false, 1e-5, 0.1, F64), REAL, 6, 3));
        t.add(layer("BatchNorm2d train affine", rng -> new BatchNorm(2, true, true, 1e-5, 0.1, F64), REAL, 3, 2, 3, 3));
        t.add(layer("BatchNorm2d train non-affine", rng -> new BatchNorm(2, true, false, 1e-5, 0.1, F64), REAL, 3, 2, 3, 3));
        t.add(layer("BatchNorm1d train, two cases", rng -> new BatchNorm(3, false, true, 1e-5, 0.1, F64), REAL, 2, 3));
        t.add(layer("BatchNorm1d eval affine", rng -> warmedUpThenEval(new BatchNorm(3, false, true, 1e-5, 0.1, F64), rng, s(6, 3)), REAL, 4, 3));
        t.add(layer("BatchNorm1d eval non-affine", rng -> warmedUpThenEval(new BatchNorm(3, false, false, 1e-5, 0.1, F64), rng, s(6, 3)), REAL, 4, 3));
        t.add(layer("BatchNorm2d eval affine", rng -> warmedUpThenEval(new BatchNorm(2, true, true, 1e-5, 0.1, F64), rng, s(3, 2, 3, 3)), REAL, 2, 2, 3, 3));
        t.add(layer("BatchNorm2d eval non-affine", rng -> warmedUpThenEval(new BatchNorm(2, true, false, 1e-5, 0.1, F64), rng, s(3, 2, 3, 3)), REAL, 2, 2, 3, 3));

        // ---- activations
        t.add(layer("ReLU", rng -> Activation.relu(), NONZERO, 3, 4));
        t.add(layer("leaky ReLU 0.01", rng -> Activation.leakyRelu(0.01), NONZERO, 3, 4));
        t.add(layer("leaky ReLU 0.2", rng -> Activation.leakyRelu(0.2), NONZERO, 3, 4));
        t.add(layer("tanh", rng -> Activation.tanh(), REAL, 3, 4));
        t.add(layer("sigmoid", rng -> Activation.sigmoid(), REAL, 3, 4));
        t.add(layer("softplus", rng -> Activation.softplus(), REAL, 3, 4));
        t.add(layer("ELU 1", rng -> Activation.elu(1), NONZERO, 3, 4));
        t.add(layer("ELU 0.5", rng -> Activation.elu(0.5), NONZERO, 3, 4));
        t.add(layer("GELU", rng -> Activation.gelu(), REAL, 3, 4));
        t.add(layer("GELU on [-4, 4]", rng -> Activation.gelu(), Domain.WIDE, 4, 5));
        t.add(layer("identity", rng -> Activation.identity(), REAL, 3, 4));

        // ---- dropout: the same seeded mask at every evaluation; evaluation mode is the identity
        t.add(rebuiltEachCall("Dropout 0.3 train, fixed mask", rng -> new Dropout(0.3, rng), REAL, 4, 5));
        t.add(rebuiltEachCall("Dropout 0.5 train on [2, 2, 3, 3]", rng -> new Dropout(0.5, rng), REAL, 2, 2, 3, 3));
        t.add(layer("Dropout 0.5 eval", rng -> new Dropout(0.5, rng).eval(), REAL, 4, 5));
        t.add(new Case("Linear, dropout 0.4, tanh, Linear (fixed mask)", rng -> {
            Linear first = perturbed(new Linear(4, 5, true, F64, rng), rng);
            Linear last = perturbed(new Linear(5, 2, true, F64, rng), rng);
            Tensor x = input(rng, REAL, s(3, 4));
            Supplier<Tensor> out = () -> new Sequential(first, new Dropout(0.4, new SplittableRandom(99)), Activation.tanh(), last).forward(x);
            List<Tensor> v = variables(x, first);
            v.addAll(last.parameters());
            return new Subject(out, v);
        }));

        // ---- pooling and flatten
        t.add(layer("MaxPool2d 2x2 stride 2", rng -> Pool2d.max(2, 2, 0), DISTINCT, 2, 2, 4, 6));
        t.add(layer("MaxPool2d 3x3 stride 1 padding 1", rng -> Pool2d.max(3, 1, 1), DISTINCT, 1, 2, 5, 5));
        t.add(layer("MaxPool2d 3x3 stride 2 (odd sizes)", rng -> Pool2d.max(3, 2, 0), DISTINCT, 2, 1, 7, 5));
        t.add(layer("AvgPool2d 2x2 stride 2", rng -> Pool2d.average(2, 2, 0, true), REAL, 2, 2, 4, 6));
        t.add(layer("AvgPool2d 3x3 stride 2 padding 1 countIncludePad", rng -> Pool2d.average(3, 2, 1, true), REAL, 2, 2, 5, 6));
        t.add(layer("AvgPool2d 3x3 stride 2 padding 1 excluding padding", rng -> Pool2d.average(3, 2, 1, false), REAL, 2, 2, 5, 6));
        t.add(layer("Flatten", rng -> new Flatten(), REAL, 2, 3, 2, 2));

        // ---- residual blocks z + φ(z), Q·z + φ(z), S·z + φ(z)
        t.add(layer("Residual identity skip", rng -> Residual.identity(new Sequential(new Linear(4, 4, true, F64, rng), Activation.tanh(),
                new Linear(4, 4, true, F64, rng))), REAL, 3, 4));
        t.add(layer("Residual orthogonal skip", rng -> Residual.orthogonal(new Sequential(new Linear(4, 4, true, F64, rng), Activation.tanh()),
                4, F64, rng), REAL, 3, 4));
        t.add(layer("Residual arbitrary linear skip", rng -> Residual.linear(new Sequential(new Linear(4, 4, false, F64, rng), Activation.sigmoid()),
                Tensor.randn(rng, F64, 4, 4)), REAL, 3, 4));
        t.add(layer("Residual identity skip around BN + ReLU", rng -> Residual.identity(new Sequential(new Linear(3, 3, false, F64, rng),
                new BatchNorm(3, false, true, 1e-5, 0.1, F64), Activation.relu())), REAL, 5, 3));
        t.add(layer("Residual identity skip around a conv", rng -> Residual.identity(new Sequential(new Conv2d(2, 2, 3, 1, 1, 1, true, F64, rng),
                Activation.tanh())), REAL, 2, 2, 4, 4));

        // ---- Sequential and models
        t.add(layer("Sequential Linear, tanh, Linear, sigmoid", rng -> new Sequential(new Linear(3, 4, true, F64, rng), Activation.tanh(),
                new Linear(4, 2, true, F64, rng), Activation.sigmoid()), REAL, 5, 3));
        t.add(layer("Sequential conv, BN train, ReLU, max pool, flatten, Linear", rng -> new Sequential(
                new Conv2d(1, 2, 3, 1, 1, 1, false, F64, rng), new BatchNorm(2, true, true, 1e-5, 0.1, F64), Activation.relu(),
                Pool2d.max(2, 2, 0), new Flatten(), new Linear(8, 3, true, F64, rng)), REAL, 2, 1, 4, 4));
        t.add(layer("Sequential conv, GELU, avg pool, ELU, flatten", rng -> new Sequential(new Conv2d(2, 3, 2, 1, 0, 1, true, F64, rng),
                Activation.gelu(), Pool2d.average(2, 1, 0, true), Activation.elu(1), new Flatten()), REAL, 2, 2, 4, 4));
        t.add(layer("nested Sequential", rng -> new Sequential(new Sequential(new Linear(3, 3, true, F64, rng), Activation.softplus()),
                new Sequential(new Linear(3, 2, true, F64, rng))), REAL, 4, 3));
        t.add(layer("Mlp 5-4-3 tanh", rng -> tanhMlp(rng, 5, 4, 3), REAL, 3, 5));
        t.add(layer("DeepAutoencoder 6-4-2-4-6 sigmoid", rng -> new DeepAutoencoder(List.of(6, 4, 2, 4, 6), Activation.Kind.SIGMOID,
                DeepAutoencoder.OutputLoss.SIGMOID_CROSS_ENTROPY, F64, rng), REAL, 3, 6));
        t.add(layer("VggNet [2, M, 3] on 4x4, affine BN", rng -> new VggNet(1, 2, 4, List.of(2, VggNet.M, 3), true, F64, rng), REAL, 3, 1, 4, 4));
        t.add(layer("VggNet [2, M] on 4x4, non-affine BN", rng -> new VggNet(2, 2, 4, List.of(2, VggNet.M), false, F64, rng), REAL, 2, 2, 4, 4));
        t.add(layer("BasicBlock identity shortcut", rng -> new BasicBlock(2, 2, 1, F64, rng), REAL, 2, 2, 3, 3));
        t.add(layer("BasicBlock projection shortcut, stride 2", rng -> new BasicBlock(1, 2, 2, F64, rng), REAL, 3, 1, 4, 4));

        // ---- losses, every reduction, with respect to the output (and soft targets)
        for (Reduction r : Reduction.values()) {
            t.add(loss("MeanSquaredError " + r, new MeanSquaredError(1, r), s(3, 4), gaussianTargets(3, 4), true));
            t.add(loss("MeanSquaredError c=0.5 " + r, new MeanSquaredError(0.5, r), s(3, 4), gaussianTargets(3, 4), true));
            t.add(loss("SoftmaxCrossEntropy labels " + r, new SoftmaxCrossEntropy(r), s(4, 3), labels(4, 3), false));
            t.add(loss("SoftmaxCrossEntropy soft targets " + r, new SoftmaxCrossEntropy(r), s(4, 3), softTargets(4, 3), true));
            t.add(loss("SigmoidCrossEntropy binary targets " + r, new SigmoidCrossEntropy(r), s(3, 4), bits(3, 4), false));
            t.add(loss("SigmoidCrossEntropy probability targets " + r, new SigmoidCrossEntropy(r), s(3, 4), probabilities(3, 4), true));
            t.add(outputHessian("MeanSquaredError output Hessian " + r, new MeanSquaredError(1, r), 3, 4));
            t.add(outputHessian("SoftmaxCrossEntropy output Hessian " + r, new SoftmaxCrossEntropy(r), 4, 3));
            t.add(outputHessian("SigmoidCrossEntropy output Hessian " + r, new SigmoidCrossEntropy(r), 3, 4));
        }
        t.add(loss("MeanSquaredError halfSumPerCase", MeanSquaredError.halfSumPerCase(), s(3, 4), gaussianTargets(3, 4), true));
        t.add(loss("SoftmaxCrossEntropy with one class", new SoftmaxCrossEntropy(), s(3, 1), labels(3, 1), false));

        // ---- networks through losses: the loss with respect to every parameter
        t.add(networkLoss("Mlp 4-5-3 tanh + softmax cross-entropy", rng -> tanhMlp(rng, 4, 5, 3), new SoftmaxCrossEntropy(), s(6, 4), labels(6, 3)));
        t.add(networkLoss("Mlp 4-3-4 + sigmoid cross-entropy (batch mean)", rng -> tanhMlp(rng, 4, 3, 4), new SigmoidCrossEntropy(Reduction.BATCH_MEAN),
                s(5, 4), probabilities(5, 4)));
        t.add(networkLoss("Residual orthogonal + MSE sum", rng -> Residual.orthogonal(new Sequential(new Linear(3, 3, true, F64, rng),
                Activation.tanh()), 3, F64, rng), new MeanSquaredError(1, Reduction.SUM), s(4, 3), gaussianTargets(4, 3)));
        t.add(networkLoss("conv, BN, ReLU, flatten, Linear + softmax cross-entropy", rng -> new Sequential(
                new Conv2d(1, 2, 3, 2, 1, 1, true, F64, rng), new BatchNorm(2, true, false, 1e-5, 0.1, F64), Activation.relu(), new Flatten(),
                new Linear(8, 3, true, F64, rng)), new SoftmaxCrossEntropy(), s(3, 1, 4, 4), labels(3, 3)));
        return t.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void firstOrder(Case c) {
        Subject s = c.build();
        GradCheck.gradCheckVariables(s.output(), s.variables());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void secondOrder(Case c) {
        Subject s = c.build();
        GradCheck.gradGradCheckVariables(s.output(), s.variables());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void secondOrderOfTheSquare(Case c) {
        Subject s = c.build();
        GradCheck.gradGradCheckVariables(() -> s.output().get().square(), s.variables());
    }
}
