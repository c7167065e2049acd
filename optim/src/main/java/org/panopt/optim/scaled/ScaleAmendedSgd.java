package org.panopt.optim.scaled;

import java.util.ArrayList;
import java.util.List;
import org.panopt.autograd.Autograd;
import org.panopt.nn.BlockScales;
import org.panopt.nn.Linear;
import org.panopt.nn.Module;
import org.panopt.optim.Chain;
import org.panopt.optim.HyperParams;
import org.panopt.optim.Rule;
import org.panopt.optim.Scale;
import org.panopt.optim.first.AddDecayedWeights;
import org.panopt.optim.first.Trace;
import org.panopt.tensor.DType;

/**
 * Scale-amended SGD (Zhang, Chen &amp; Liu, "On the Local Hessian in Back-propagation", NeurIPS 2018,
 * Algorithm 2; {@code spec/local-hessian.md} A.9) for networks of linear/conv blocks followed by batch
 * normalization (VGG-style), in the order of footnote 5 — weight decay first, then the amendment, then
 * momentum:
 * <pre>
 *   g_b = ∂J/∂W_b + λW_b;   g'_b = g_b / (m · m_{b,W});   v_b ← μv_b + g'_b;   W_b ← W_b − ηv_b
 *   m_{b,W} = 1/‖W_b‖²_{2,µ},   m_{b,z} = ‖W_bᵀ‖²_{2,µ}/‖W_b‖²_{2,µ} = n_b/n_{b−1}  (C_out/C_in for a conv)
 * </pre>
 * ({@link BlockScales}; ‖W‖²_{2,µ} the mean squared row norm, from the current weights at every step). Momentum
 * is PyTorch's without dampening. Defaults are the paper's experiments: {@code lr} 0.1 (0.005 for CIFAR-10),
 * {@code momentum} 0.9, {@code weight_decay} 0.005; pair it with {@code ReduceLrOnPlateau} (factor 0.5,
 * patience 10).
 *
 * <p><b>The last (classifier) layer</b> has no batch norm after it and the paper does not say which scalars
 * it gets. {@link LastLayer#SAME_AS_BN_BLOCKS} (option A, default) uses the same formulas, giving m_z = K/512
 * for VGG13's classifier — the paper's "around 10/512". {@link LastLayer#PLAIN_LINEAR} (option B) uses the
 * scalars of a linear layer without batch norm: m_z = ‖Wᵀ‖²_{2,µ} (the mean eigenvalue of WᵀW) and
 * m_W = mean_j ‖z_{B−1}[j]‖² / n_{B−1} (the mean eigenvalue of (1/m)Σ_j z zᵀ), where z_{B−1} is the classifier's
 * input in the latest forward pass, recorded by a forward hook.
 */
public final class ScaleAmendedSgd {
    private ScaleAmendedSgd() {}

    /** Which scalars the last layer gets. */
    public enum LastLayer { SAME_AS_BN_BLOCKS, PLAIN_LINEAR }

    /** The paper's scalars for every block (option A). */
    public static ScaleSource paperScalars() {
        return blocks -> blocks.stream().map(b -> new BlockScalars(BlockScales.weightScale(b.weight()), BlockScales.inputScale(b.weight()))).toList();
    }

    /** Scale-amended SGD on {@code model}'s blocks, option A for the last layer. */
    public static Rule rule(Module model) {
        return rule(model, LastLayer.SAME_AS_BN_BLOCKS);
    }

    public static Rule rule(Module model, LastLayer lastLayer) {
        List<Block> blocks = Block.of(model);
        ScaleSource source = lastLayer == LastLayer.SAME_AS_BN_BLOCKS ? paperScalars() : plainLinearLast(blocks.getLast());
        return rule(blocks, source);
    }

    /** With any scalars (e.g. fixed ones). */
    public static Rule rule(List<Block> blocks, ScaleSource source) {
        return new Rule("ScaleAmendedSGD", HyperParams.of("lr", 0.1, "momentum", 0.9, "weight_decay", 0.005),
                h -> Chain.of(new AddDecayedWeights(h.get("weight_decay")), new AmendScales(blocks, source), new Trace(h.get("momentum"), 0, false),
                        Scale.byLearningRate(h.get("lr"))));
    }

    /** Option B for the last block: registers a forward hook on its layer that records mean_j ‖z_j‖²/n of its input. */
    private static ScaleSource plainLinearLast(Block last) {
        if (!(last.layer() instanceof Linear)) {
            throw new IllegalArgumentException("scale-amended SGD option B needs a linear last layer, got " + last.layer().getClass().getSimpleName());
        }
        double[] inputMoment = {Double.NaN};
        last.layer().registerForwardHook((module, input, output) -> inputMoment[0] = Autograd.noGrad(
                () -> input.to(DType.FLOAT64).square().sum().item() / input.size()));
        ScaleSource paper = paperScalars();
        return blocks -> {
            if (Double.isNaN(inputMoment[0])) {
                throw new IllegalStateException("scale-amended SGD option B: the last layer has not seen a forward pass yet (its input statistic is unknown)");
            }
            List<BlockScalars> s = new ArrayList<>(paper.scalars(blocks));
            Block b = blocks.getLast();
            s.set(s.size() - 1, new BlockScalars(inputMoment[0], BlockScales.meanSquaredColumnNorm(b.weight())));
            return s;
        };
    }
}
