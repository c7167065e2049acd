package org.panopt.optim.kfac;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.panopt.autograd.Autograd;
import org.panopt.nn.Module;
import org.panopt.nn.loss.Loss;
import org.panopt.optim.ModelObjective;
import org.panopt.tensor.Tensor;

/**
 * One statistics pass of K-FAC ({@code spec/kfac.md} §3): a forward pass on the cases S₁ with hooks on the
 * curved layers (their inputs give ā), targets ŷ drawn from the model's predictive distribution
 * ({@link Loss#sample}; or the data labels for the empirical Fisher), and a backward pass of L(ŷ, z) to the
 * layers' outputs (their gradients give g). {@link #rows} returns each layer's ā and g rows; {@link #decay}
 * folds them into the running estimates and {@link #collect} gives the mini-batch factors themselves
 * <pre>
 *   Ā = (1/n) Σ_{x∈S₁} Σ_t ā_t ā_tᵀ,     G = c·(1/(n·T)) Σ_{x∈S₁} Σ_t g_t g_tᵀ
 * </pre>
 * (T = 1 for dense layers; c from {@link BatchRows#outputFactorScale}: per-case g's of the objective as
 * reduced over the whole batch), and for the block-tridiagonal version the cross moments Ā_{i−1,i}, G_{i,i+1}
 * with the next layer. The backward pass asks only for the layers' output gradients, so the parameters'
 * {@code grad()} (the training gradient) are left untouched.
 */
final class KfacStatistics {
    private KfacStatistics() {}

    /** How the G statistics choose targets. */
    enum Targets {
        /** ŷ ~ R(y|z): the true Fisher (the paper). */
        SAMPLED,
        /** The data labels: the empirical Fisher (common in practical libraries; biased, spec §3.2). */
        EMPIRICAL
    }

    /**
     * One layer's rows from a statistics pass: the ā rows {@code a} {@code [count, aDim]} and g rows {@code g}
     * {@code [count, gDim]} (row-major float64, read only), with the batch factors Ā = aScale·aᵀa and
     * G = gScale·gᵀg — and, for dense layers, the cross moments with the next layer's rows
     * Ā_{i−1,i} = aScale·aᵀa_next, G_{i,i+1} = gScale·gᵀg_next ({@code crossable}: one position per case).
     */
    record LayerRows(double[] a, int aDim, double aScale, double[] g, int gDim, double gScale, int count, boolean crossable) {}

    /** The mini-batch factors of every layer (the cross moments too when {@code cross}). */
    static List<KroneckerFactors> collect(ModelObjective objective, List<KfacLayer> layers, int[] cases, Targets targets,
                                          boolean cross, SplittableRandom rng) {
        return decay(List.of(), rows(objective, layers, cases, targets, cross, rng), cross, 0);
    }

    /**
     * X ← ε·X + (1 − ε)·X^batch for every layer's factors, the batch products computed straight into the new
     * estimates ({@link KroneckerFactors#decayedWith(LayerRows, LayerRows, double)}); {@code previous} empty or
     * holding {@link KroneckerFactors#EMPTY}: the batch factors themselves.
     */
    static List<KroneckerFactors> decay(List<KroneckerFactors> previous, List<LayerRows> rows, boolean cross, double epsilon) {
        int l = rows.size();
        KroneckerFactors[] out = new KroneckerFactors[l];
        ByCost.forEach(l, i -> (long) rows.get(i).count() * ((long) rows.get(i).aDim() * rows.get(i).aDim() + (long) rows.get(i).gDim() * rows.get(i).gDim()), i -> {
            KroneckerFactors old = previous.isEmpty() ? KroneckerFactors.EMPTY : previous.get(i);
            out[i] = old.decayedWith(rows.get(i), cross && i + 1 < l ? rows.get(i + 1) : null, epsilon);
        });
        return List.of(out);
    }

    /** The statistics pass on the cases {@code cases}: per layer its ā and g rows (see the class comment). */
    static List<LayerRows> rows(ModelObjective objective, List<KfacLayer> layers, int[] cases, Targets targets,
                                boolean cross, SplittableRandom rng) {
        Module model = objective.model();
        Loss loss = objective.loss();
        int batchCases = objective.inputs().dim(0);
        Tensor x = BatchRows.select(objective.inputs(), cases);
        Tensor labels = targets == Targets.EMPIRICAL ? BatchRows.select(objective.targets(), cases) : null;
        int l = layers.size();
        Tensor[] inputs = new Tensor[l];
        Tensor[] outputs = new Tensor[l];
        List<Module.HookHandle> handles = new ArrayList<>(l);
        List<Tensor> gradients;
        Tensor z;
        try {
            for (int i = 0; i < l; i++) {
                int at = i;
                KfacLayer layer = layers.get(i);
                handles.add(layer.module().registerForwardHook((m, in, out) -> {
                    if (outputs[at] != null) {
                        throw new IllegalStateException("K-FAC: layer '" + layer.name() + "' ran twice in one forward pass; "
                                + "a layer shared between positions has no single Kronecker block");
                    }
                    inputs[at] = in;
                    outputs[at] = out;
                }));
            }
            Tensor[] zHolder = new Tensor[1];
            gradients = objective.withFrozenState(() -> {
                zHolder[0] = model.forward(x);
                Tensor y = labels != null ? labels : loss.sample(zHolder[0], rng);
                Tensor value = loss.loss(zHolder[0], y);
                List<Tensor> wanted = new ArrayList<>(l);
                for (int i = 0; i < l; i++) {
                    if (outputs[i] == null) throw new IllegalStateException("K-FAC: layer '" + layers.get(i).name() + "' was not used by the model's forward pass");
                    wanted.add(outputs[i]);
                }
                return Autograd.grad(List.of(value), wanted, null, false);
            });
            z = zHolder[0];
        } finally {
            for (Module.HookHandle h : handles) h.remove();
        }
        int n = cases.length;
        double gScale = BatchRows.outputFactorScale(loss, z, n, batchCases);
        List<LayerRows> out = new ArrayList<>(l);
        for (int i = 0; i < l; i++) {
            Tensor a = layers.get(i).activationRows(inputs[i]);
            Tensor g = layers.get(i).derivativeRows(gradients.get(i));
            int positions = a.dim(0) / n;
            out.add(new LayerRows(Float64.heapDoubles(a), a.dim(1), 1.0 / n, Float64.heapDoubles(g), g.dim(1),
                    gScale / ((double) n * positions), a.dim(0), a.dim(0) == n && g.dim(0) == n));
        }
        if (cross) {
            for (int i = 0; i + 1 < l; i++) {
                if (!out.get(i).crossable() || !out.get(i + 1).crossable()) {
                    throw new IllegalArgumentException("K-FAC block-tridiagonal: layers '" + layers.get(i).name() + "' and '" + layers.get(i + 1).name()
                            + "' are not both dense layers with one position per case; use the block-diagonal version (convolutions are block-diagonal)");
                }
            }
        }
        return out;
    }
}
