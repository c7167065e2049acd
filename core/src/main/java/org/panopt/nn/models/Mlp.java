package org.panopt.nn.models;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.panopt.nn.Activation;
import org.panopt.nn.Linear;
import org.panopt.nn.Module;
import org.panopt.nn.Sequential;
import org.panopt.tensor.DType;

/**
 * A fully connected network {@code widths[0] → widths[1] → … → widths[L]}: L {@link Linear} layers with
 * the same activation between consecutive layers and none after the last (the output is a logit or a
 * regression value; the loss is applied outside). Layers are PyTorch-initialized; submodules are named
 * "0", "1", … as in a {@link Sequential} (Linear, activation, Linear, …).
 */
public class Mlp extends Sequential {
    private final List<Integer> widths;
    private final List<Linear> linears;

    public Mlp(List<Integer> widths, Activation.Kind activation, boolean bias, DType dtype, SplittableRandom rng) {
        super(layers(widths, activation, bias, dtype, rng));
        this.widths = List.copyOf(widths);
        this.linears = layers().stream().filter(m -> m instanceof Linear).map(m -> (Linear) m).toList();
    }

    /** A float32 network with biases. */
    public Mlp(List<Integer> widths, Activation.Kind activation, SplittableRandom rng) {
        this(widths, activation, true, DType.FLOAT32, rng);
    }

    /**
     * The K-FAC paper's 256-20-20-20-20-20-10 tanh classifier on 16×16 MNIST (its figures 2–3 compare the
     * exact Fisher of this network with the Kronecker-factored approximation). Softmax cross-entropy
     * outside.
     */
    public static Mlp kfacFisherClassifier(DType dtype, SplittableRandom rng) {
        return new Mlp(List.of(256, 20, 20, 20, 20, 20, 10), Activation.Kind.TANH, true, dtype, rng);
    }

    private static List<Module> layers(List<Integer> widths, Activation.Kind activation, boolean bias, DType dtype, SplittableRandom rng) {
        if (widths.size() < 2) throw new IllegalArgumentException("Mlp: widths " + widths + " need at least an input and an output size");
        for (int w : widths) if (w <= 0) throw new IllegalArgumentException("Mlp: widths " + widths + " must be positive");
        List<Module> out = new ArrayList<>();
        for (int i = 0; i + 1 < widths.size(); i++) {
            if (i > 0) out.add(Activation.of(activation));
            out.add(new Linear(widths.get(i), widths.get(i + 1), bias, dtype, rng));
        }
        return out;
    }

    /** The widths, input first. */
    public List<Integer> widths() {
        return widths;
    }

    /** The linear layers, input side first. */
    public List<Linear> linears() {
        return linears;
    }

    @Override
    protected String describe() {
        return "Mlp" + widths;
    }
}
