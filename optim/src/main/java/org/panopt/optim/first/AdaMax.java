package org.panopt.optim.first;

import java.util.ArrayList;
import java.util.List;
import org.panopt.optim.Chain;
import org.panopt.optim.GradientTransformation;
import org.panopt.optim.Hyper;
import org.panopt.optim.HyperParams;
import org.panopt.optim.OptState;
import org.panopt.optim.Rule;
import org.panopt.optim.Scale;
import org.panopt.optim.StepContext;
import org.panopt.tensor.Tensor;

/**
 * AdaMax, the ∞-norm variant of Adam (Kingma &amp; Ba 2015, §7.1), as {@code torch.optim.Adamax}:
 * <pre>
 *   g ← ∇L + λθ
 *   m ← β₁m + (1 − β₁)g,   u ← max(β₂u, |g| + ε)
 *   θ ← θ − η/(1 − β₁ᵗ) · m/u
 * </pre>
 * ε goes into the max (PyTorch), so u &gt; 0 from the first step; the paper has none. Defaults: {@code lr}
 * 2e-3, {@code beta1} 0.9, {@code beta2} 0.999, {@code eps} 1e-8, {@code weight_decay} 0.
 */
public final class AdaMax {
    private AdaMax() {}

    public static Rule rule() {
        return new Rule("Adamax", HyperParams.of("lr", 2e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "weight_decay", 0.0),
                h -> transformation(h.get("lr"), h.get("beta1"), h.get("beta2"), h.get("eps"), h.get("weight_decay")));
    }

    public static GradientTransformation<?> transformation(double lr, double beta1, double beta2, double eps, double weightDecay) {
        return Chain.of(new AddDecayedWeights(weightDecay), new ScaleByAdaMax(beta1, beta2, eps), Scale.byLearningRate(lr));
    }

    /** d = m/((1 − β₁ᵗ)·u). */
    public record ScaleByAdaMax(double beta1, double beta2, double eps) implements GradientTransformation<AdaMaxState> {
        public ScaleByAdaMax {
            Hyper.unitInterval("beta1", beta1);
            Hyper.unitInterval("beta2", beta2);
            Hyper.nonNegative("eps", eps);
        }

        @Override
        public AdaMaxState init(List<Tensor> params) {
            return new AdaMaxState(0, OptState.zerosLike(params), OptState.zerosLike(params));
        }

        @Override
        public Update<AdaMaxState> update(List<Tensor> updates, AdaMaxState s, List<Tensor> params, StepContext context) {
            long t = s.count() + 1;
            double bc1 = 1 - Math.pow(beta1, t);
            List<Tensor> out = new ArrayList<>(updates.size());
            List<Tensor> mu = new ArrayList<>(updates.size());
            List<Tensor> inf = new ArrayList<>(updates.size());
            for (int i = 0; i < updates.size(); i++) {
                Tensor g = updates.get(i);
                Tensor m = Moments.ema(s.mu().get(i), g, beta1);
                Tensor u = s.infNorm().get(i).mul(beta2).max(g.abs().add(eps));
                out.add(m.div(u).div(bc1));
                mu.add(m);
                inf.add(u);
            }
            return new Update<>(out, new AdaMaxState(t, mu, inf));
        }
    }

    /** t, m and the exponentially weighted ∞-norm u. */
    public record AdaMaxState(long count, List<Tensor> mu, List<Tensor> infNorm) implements OptState {
        public AdaMaxState {
            mu = OptState.tensors(mu);
            infNorm = OptState.tensors(infNorm);
        }
    }
}
