package org.panopt.nn.models;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.panopt.autograd.Autograd;
import org.panopt.init.Initializer;
import org.panopt.nn.Activation;
import org.panopt.nn.Linear;
import org.panopt.nn.Module;
import org.panopt.nn.Sequential;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * The deep autoencoders of Hinton &amp; Salakhutdinov (2006), the K-FAC paper's benchmarks (Martens &amp;
 * Grosse 2015, §13; {@code spec/kfac.md} §8.1): an encoder narrowing to a code layer and a mirror-image
 * decoder, every layer a {@link Linear} with bias.
 * <pre>
 *   MNIST   784-1000-500-250-30-250-500-1000-784           sigmoid cross-entropy on the logits
 *   CURVES  784-400-200-100-50-25-6-25-50-100-200-400-784  sigmoid cross-entropy on the logits
 *   FACES   625-2000-1000-500-30-500-1000-2000-625         squared error (Gaussian)
 * </pre>
 * Hidden units use the {@code hidden} activation — the logistic sigmoid in the paper (the default), tanh
 * in the authors' modern re-runs (tensorflow/kfac, kfac-jax). The code layer and the output layer are
 * linear: the network returns logits, and the loss (see {@link #outputLoss()}) is applied outside.
 *
 * <p>The layers start PyTorch-initialized; {@link #initializeSparse} applies the paper's sparse
 * initialization (Martens 2010: 15 non-zero N(0, 1) incoming weights per unit, zero biases).
 */
public class DeepAutoencoder extends Sequential {

    /** How the reconstruction is scored (applied outside the network). */
    public enum OutputLoss { SIGMOID_CROSS_ENTROPY, SQUARED_ERROR }

    private final List<Integer> widths;
    private final int codeLayer;
    private final OutputLoss outputLoss;
    private final List<Linear> linears;

    /**
     * An autoencoder with the given widths (input first, output last, code layer the narrowest, one
     * occurrence) and hidden activation.
     */
    public DeepAutoencoder(List<Integer> widths, Activation.Kind hidden, OutputLoss outputLoss, DType dtype, SplittableRandom rng) {
        super(layers(widths, hidden, dtype, rng));
        this.widths = List.copyOf(widths);
        this.codeLayer = codeIndex(widths);
        this.outputLoss = outputLoss;
        this.linears = layers().stream().filter(m -> m instanceof Linear).map(m -> (Linear) m).toList();
    }

    public static DeepAutoencoder mnist(Activation.Kind hidden, DType dtype, SplittableRandom rng) {
        return new DeepAutoencoder(List.of(784, 1000, 500, 250, 30, 250, 500, 1000, 784), hidden, OutputLoss.SIGMOID_CROSS_ENTROPY, dtype, rng);
    }

    /** MNIST with the paper's logistic hidden units, float32. */
    public static DeepAutoencoder mnist(SplittableRandom rng) {
        return mnist(Activation.Kind.SIGMOID, DType.FLOAT32, rng);
    }

    public static DeepAutoencoder curves(Activation.Kind hidden, DType dtype, SplittableRandom rng) {
        return new DeepAutoencoder(List.of(784, 400, 200, 100, 50, 25, 6, 25, 50, 100, 200, 400, 784), hidden,
                OutputLoss.SIGMOID_CROSS_ENTROPY, dtype, rng);
    }

    public static DeepAutoencoder curves(SplittableRandom rng) {
        return curves(Activation.Kind.SIGMOID, DType.FLOAT32, rng);
    }

    public static DeepAutoencoder faces(Activation.Kind hidden, DType dtype, SplittableRandom rng) {
        return new DeepAutoencoder(List.of(625, 2000, 1000, 500, 30, 500, 1000, 2000, 625), hidden, OutputLoss.SQUARED_ERROR, dtype, rng);
    }

    public static DeepAutoencoder faces(SplittableRandom rng) {
        return faces(Activation.Kind.SIGMOID, DType.FLOAT32, rng);
    }

    private static int codeIndex(List<Integer> widths) {
        int code = 0;
        for (int i = 1; i < widths.size(); i++) if (widths.get(i) < widths.get(code)) code = i;
        return code;
    }

    private static List<Module> layers(List<Integer> widths, Activation.Kind hidden, DType dtype, SplittableRandom rng) {
        if (widths.size() < 3) throw new IllegalArgumentException("DeepAutoencoder: widths " + widths + " need an input, a code and an output layer");
        for (int w : widths) if (w <= 0) throw new IllegalArgumentException("DeepAutoencoder: widths " + widths + " must be positive");
        int code = codeIndex(widths);
        if (code == 0 || code == widths.size() - 1) {
            throw new IllegalArgumentException("DeepAutoencoder: widths " + widths + " must narrow to an inner code layer");
        }
        List<Module> out = new ArrayList<>();
        for (int i = 0; i + 1 < widths.size(); i++) {
            out.add(new Linear(widths.get(i), widths.get(i + 1), true, dtype, rng));
            int produced = i + 1; // the layer whose pre-activation this Linear computes
            if (produced != code && produced != widths.size() - 1) out.add(Activation.of(hidden));
        }
        return out;
    }

    /**
     * Re-initializes every layer sparsely (Martens 2010): each unit gets exactly {@code min(nonZero, fanIn)}
     * non-zero incoming weights drawn from N(0, σ²), biases zero. The paper: nonZero = 15, σ = 1. Returns this.
     */
    public DeepAutoencoder initializeSparse(int nonZero, double sigma, SplittableRandom rng) {
        Initializer sparse = Initializer.sparse(nonZero, sigma);
        Autograd.noGrad(() -> {
            for (Linear l : linears) l.initialize(sparse, Initializer.zeros(), rng);
        });
        return this;
    }

    /** The paper's initialization: 15 non-zero N(0, 1) weights per unit. */
    public DeepAutoencoder initializeSparse(SplittableRandom rng) {
        return initializeSparse(15, 1, rng);
    }

    /** The code (the linear bottleneck layer's output) for inputs {@code [N, widths[0]]}. */
    public Tensor encode(Tensor x) {
        Tensor h = x;
        int seen = 0;
        for (Module m : layers()) {
            h = m.forward(h);
            if (m instanceof Linear && ++seen == codeLayer) return h;
        }
        throw new IllegalStateException("unreachable: code layer " + codeLayer + " not found");
    }

    public List<Integer> widths() {
        return widths;
    }

    /** Index into {@link #widths()} of the code layer. */
    public int codeLayer() {
        return codeLayer;
    }

    public int codeWidth() {
        return widths.get(codeLayer);
    }

    public OutputLoss outputLoss() {
        return outputLoss;
    }

    /** The linear layers, input side first. */
    public List<Linear> linears() {
        return linears;
    }

    @Override
    protected String describe() {
        return "DeepAutoencoder" + widths;
    }
}
