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
 * layers' outputs (their gradients give g). Returns the mini-batch factors
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

    static List<KroneckerFactors> collect(ModelObjective objective, List<KfacLayer> layers, int[] cases, Targets targets,
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
        Tensor[] aRows = new Tensor[l];
        Tensor[] gRows = new Tensor[l];
        List<KroneckerFactors> out = new ArrayList<>(l);
        for (int i = 0; i < l; i++) {
            aRows[i] = layers.get(i).activationRows(inputs[i]);
            gRows[i] = layers.get(i).derivativeRows(gradients.get(i));
        }
        for (int i = 0; i < l; i++) {
            int positions = aRows[i].dim(0) / n;
            // Scale the rows, not the d×d products: the rows are the smaller tensors.
            Tensor as = aRows[i].mul(1 / Math.sqrt(n));
            Tensor gs = gRows[i].mul(Math.sqrt(gScale / ((double) n * positions)));
            Tensor a = as.matmul(as, true, false);
            Tensor g = gs.matmul(gs, true, false);
            Tensor aCross = null;
            Tensor gCross = null;
            if (cross && i + 1 < l) {
                if (aRows[i].dim(0) != n || aRows[i + 1].dim(0) != n) {
                    throw new IllegalArgumentException("K-FAC block-tridiagonal: layers '" + layers.get(i).name() + "' and '" + layers.get(i + 1).name()
                            + "' are not both dense layers with one position per case; use the block-diagonal version (convolutions are block-diagonal)");
                }
                aCross = aRows[i].matmul(aRows[i + 1], true, false).div(n);
                gCross = gRows[i].matmul(gRows[i + 1], true, false).mul(gScale / n);
            }
            out.add(new KroneckerFactors(a, g, aCross, gCross));
        }
        return out;
    }
}
