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
 * RAdam, Adam with variance rectification (Liu et al. 2020), as {@code torch.optim.RAdam}:
 * <pre>
 *   g ← ∇L + λθ   (or decoupled: θ ← θ − ηλθ)
 *   m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²,   m̂ = m/(1 − β₁ᵗ)
 *   ρ∞ = 2/(1 − β₂) − 1,   ρ_t = ρ∞ − 2tβ₂ᵗ/(1 − β₂ᵗ)
 *   ρ_t &gt; 5:  r_t = √((ρ_t − 4)(ρ_t − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρ_t)),   θ ← θ − η·m̂·r_t·√(1 − β₂ᵗ)/(√v + ε)
 *   else:     θ ← θ − η·m̂                                   (un-adapted momentum SGD)
 * </pre>
 * Note where ε goes: added to the <em>uncorrected</em> √v (PyTorch), unlike Adam's √v̂ + ε. The paper's
 * switch is ρ_t &gt; 4; PyTorch's (and ours) is ρ_t &gt; 5. Defaults: {@code lr} 1e-3, {@code beta1} 0.9,
 * {@code beta2} 0.999, {@code eps} 1e-8, {@code weight_decay} 0, {@code decoupled_weight_decay} false.
 */
public final class RAdam {
    private RAdam() {}

    public static Rule rule() {
        return new Rule("RAdam", HyperParams.of("lr", 1e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "weight_decay", 0.0, "decoupled_weight_decay", false),
                h -> transformation(h.get("lr"), h.get("beta1"), h.get("beta2"), h.get("eps"), h.get("weight_decay"), h.flag("decoupled_weight_decay")));
    }

    public static GradientTransformation<?> transformation(double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        ScaleByRAdam radam = new ScaleByRAdam(beta1, beta2, eps);
        AddDecayedWeights decay = new AddDecayedWeights(weightDecay);
        return decoupled ? Chain.of(radam, decay, Scale.byLearningRate(lr)) : Chain.of(decay, radam, Scale.byLearningRate(lr));
    }

    /** The rectified direction; see {@link RAdam}. */
    public record ScaleByRAdam(double beta1, double beta2, double eps) implements GradientTransformation<RAdamState> {
        public ScaleByRAdam {
            Hyper.unitInterval("beta1", beta1);
            Hyper.unitInterval("beta2", beta2);
            Hyper.nonNegative("eps", eps);
        }

        @Override
        public RAdamState init(List<Tensor> params) {
            return new RAdamState(0, OptState.zerosLike(params), OptState.zerosLike(params));
        }

        /** ρ_t, the length of the approximated simple moving average. */
        public double rho(long t) {
            double rhoInf = 2 / (1 - beta2) - 1;
            double b2t = Math.pow(beta2, t);
            return rhoInf - 2 * t * b2t / (1 - b2t);
        }

        @Override
        public Update<RAdamState> update(List<Tensor> updates, RAdamState s, List<Tensor> params, StepContext context) {
            long t = s.count() + 1;
            double bc1 = 1 - Math.pow(beta1, t);
            double bc2 = 1 - Math.pow(beta2, t);
            double rhoInf = 2 / (1 - beta2) - 1;
            double rhoT = rho(t);
            boolean rectified = rhoT > 5;
            double rect = rectified ? Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 0;
            List<Tensor> out = new ArrayList<>(updates.size());
            List<Tensor> ms = new ArrayList<>(updates.size());
            List<Tensor> vs = new ArrayList<>(updates.size());
            for (int i = 0; i < updates.size(); i++) {
                Tensor g = updates.get(i);
                Tensor m = Moments.ema(s.mu().get(i), g, beta1);
                Tensor v = Moments.ema(s.nu().get(i), g.square(), beta2);
                Tensor mHat = m.div(bc1);
                out.add(rectified ? mHat.mul(rect * Math.sqrt(bc2)).div(v.sqrt().add(eps)) : mHat);
                ms.add(m);
                vs.add(v);
            }
            return new Update<>(out, new RAdamState(t, ms, vs));
        }
    }

    public record RAdamState(long count, List<Tensor> mu, List<Tensor> nu) implements OptState {
        public RAdamState {
            mu = OptState.tensors(mu);
            nu = OptState.tensors(nu);
        }
    }
}
