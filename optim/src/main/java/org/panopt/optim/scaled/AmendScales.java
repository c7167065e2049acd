package org.panopt.optim.scaled;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.panopt.optim.GradientTransformation;
import org.panopt.optim.OptState;
import org.panopt.optim.StepContext;
import org.panopt.tensor.Tensor;

/**
 * Algorithm 2 of the local-Hessian paper (Zhang, Chen &amp; Liu 2018; {@code spec/local-hessian.md} A.9) as a
 * transformation on the incoming updates g (after weight decay):
 * <pre>
 *   m ← 1                                  (the loss gradient at the output is the desired change)
 *   for b = B, B−1, …, 1:
 *       g'_{W_b} = g_{W_b} / (m · m_{b,W})     (22)
 *       g'_{c}   = g_c / m                     for the block's companions c (bias, batch-norm γ, β)
 *       m ← m · m_{b,z}                        (23)
 * </pre>
 * so g'_{W_b} = g_{W_b} / (m_{b,W} Π_{b'&gt;b} m_{b',z}). The scalars come from the current weights at every
 * step ({@link ScaleSource}). Companions are not in the paper (it drops biases and uses batch norm without
 * parameters); they get the backward factor alone, which treats their local Hessian as the identity — for
 * the classifier's bias, whose local Hessian in the squared back-matching loss is I, that is exact.
 * Parameters of the group outside every block are an error; blocks whose parameters are in another group
 * still count in the backward factor.
 */
public record AmendScales(List<Block> blocks, ScaleSource source) implements GradientTransformation<OptState.Empty> {

    public AmendScales {
        blocks = List.copyOf(blocks);
        if (blocks.isEmpty()) throw new IllegalArgumentException("AmendScales: no blocks");
    }

    /**
     * What one step divides by, per block (input side first): the scalars, the backward factor m before the
     * block is passed, and the weight's factor 1/(m·m_W).
     */
    public record BlockFactor(String name, BlockScalars scalars, double backwardFactor, double weightFactor) {}

    /** The factors at the current weights. */
    public List<BlockFactor> factors() {
        List<BlockScalars> s = source.scalars(blocks);
        if (s.size() != blocks.size()) throw new IllegalStateException("scale source gave " + s.size() + " scalars for " + blocks.size() + " blocks");
        BlockFactor[] out = new BlockFactor[blocks.size()];
        double m = 1;
        for (int b = blocks.size() - 1; b >= 0; b--) {
            BlockScalars sc = s.get(b);
            out[b] = new BlockFactor(blocks.get(b).name(), sc, m, 1 / (m * sc.weightScale()));
            m *= sc.inputScale();
        }
        return List.of(out);
    }

    @Override
    public OptState.Empty init(List<Tensor> params) {
        Map<Tensor, Boolean> known = new IdentityHashMap<>();
        for (Block b : blocks) {
            known.put(b.weight(), true);
            for (Tensor c : b.companions()) known.put(c, true);
        }
        for (int i = 0; i < params.size(); i++) {
            if (!known.containsKey(params.get(i))) {
                throw new IllegalArgumentException("scale-amended SGD: parameter " + i + " " + params.get(i).shape() + " belongs to no block of the model");
            }
        }
        return OptState.Empty.INSTANCE;
    }

    @Override
    public Update<OptState.Empty> update(List<Tensor> updates, OptState.Empty state, List<Tensor> params, StepContext context) {
        double[] f = factorsOf(params, factors());
        List<Tensor> out = new ArrayList<>(updates.size());
        for (int i = 0; i < updates.size(); i++) out.add(f[i] == 1 ? updates.get(i) : updates.get(i).mul(f[i]));
        return new Update<>(out, state);
    }

    private double[] factorsOf(List<Tensor> params, List<BlockFactor> factors) {
        Map<Tensor, Double> byTensor = new IdentityHashMap<>();
        for (int b = 0; b < blocks.size(); b++) {
            byTensor.put(blocks.get(b).weight(), factors.get(b).weightFactor());
            for (Tensor c : blocks.get(b).companions()) byTensor.put(c, 1 / factors.get(b).backwardFactor());
        }
        double[] f = new double[params.size()];
        for (int i = 0; i < params.size(); i++) {
            Double v = byTensor.get(params.get(i));
            if (v == null) throw new IllegalArgumentException("scale-amended SGD: parameter " + i + " " + params.get(i).shape() + " belongs to no block of the model");
            f[i] = v;
        }
        return f;
    }
}
