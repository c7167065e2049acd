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
 * NAdam, Adam with Nesterov momentum (Dozat 2016), with the momentum-decay schedule of {@code torch.optim.NAdam}:
 * <pre>
 *   μ_t = β₁(1 − ½·0.96^(tψ)),   μ_{t+1} = β₁(1 − ½·0.96^((t+1)ψ)),   Π_t = Π_{t−1}·μ_t (Π₀ = 1)
 *   g ← ∇L + λθ   (or decoupled: θ ← θ − ηλθ)
 *   m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²,   D = √(v/(1 − β₂ᵗ)) + ε
 *   θ ← θ − η(1 − μ_t)/(1 − Π_t) · g/D − η·μ_{t+1}/(1 − Π_t·μ_{t+1}) · m/D
 * </pre>
 * ψ is {@code momentum_decay} (4e-3). The first moment's running average still uses β₁, as in PyTorch;
 * μ_t only weights the Nesterov combination. optax's {@code nadam} has no μ schedule (μ_t = β₁). Defaults:
 * {@code lr} 2e-3, {@code beta1} 0.9, {@code beta2} 0.999, {@code eps} 1e-8, {@code weight_decay} 0,
 * {@code momentum_decay} 4e-3, {@code decoupled_weight_decay} false.
 */
public final class NAdam {
    private NAdam() {}

    public static Rule rule() {
        return new Rule("NAdam", HyperParams.of("lr", 2e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "weight_decay", 0.0, "momentum_decay", 4e-3,
                "decoupled_weight_decay", false),
                h -> transformation(h.get("lr"), h.get("beta1"), h.get("beta2"), h.get("eps"), h.get("weight_decay"), h.get("momentum_decay"),
                        h.flag("decoupled_weight_decay")));
    }

    public static GradientTransformation<?> transformation(double lr, double beta1, double beta2, double eps, double weightDecay, double momentumDecay,
                                                           boolean decoupled) {
        ScaleByNAdam nadam = new ScaleByNAdam(beta1, beta2, eps, momentumDecay);
        AddDecayedWeights decay = new AddDecayedWeights(weightDecay);
        return decoupled ? Chain.of(nadam, decay, Scale.byLearningRate(lr)) : Chain.of(decay, nadam, Scale.byLearningRate(lr));
    }

    /** The NAdam direction; see {@link NAdam}. */
    public record ScaleByNAdam(double beta1, double beta2, double eps, double momentumDecay) implements GradientTransformation<NAdamState> {
        public ScaleByNAdam {
            Hyper.unitInterval("beta1", beta1);
            Hyper.unitInterval("beta2", beta2);
            Hyper.nonNegative("eps", eps);
            Hyper.nonNegative("momentum_decay", momentumDecay);
        }

        @Override
        public NAdamState init(List<Tensor> params) {
            return new NAdamState(0, 1.0, OptState.zerosLike(params), OptState.zerosLike(params));
        }

        private double mu(long t) {
            return beta1 * (1 - 0.5 * Math.pow(0.96, t * momentumDecay));
        }

        @Override
        public Update<NAdamState> update(List<Tensor> updates, NAdamState s, List<Tensor> params, StepContext context) {
            long t = s.count() + 1;
            double mu = mu(t);
            double muNext = mu(t + 1);
            double product = s.muProduct() * mu;
            double gradWeight = (1 - mu) / (1 - product);
            double momentumWeight = muNext / (1 - product * muNext);
            double bc2 = 1 - Math.pow(beta2, t);
            List<Tensor> out = new ArrayList<>(updates.size());
            List<Tensor> ms = new ArrayList<>(updates.size());
            List<Tensor> vs = new ArrayList<>(updates.size());
            for (int i = 0; i < updates.size(); i++) {
                Tensor g = updates.get(i);
                Tensor m = Moments.ema(s.mu().get(i), g, beta1);
                Tensor v = Moments.ema(s.nu().get(i), g.square(), beta2);
                Tensor denom = v.div(bc2).sqrt().add(eps);
                out.add(g.mul(gradWeight).add(m.mul(momentumWeight)).div(denom));
                ms.add(m);
                vs.add(v);
            }
            return new Update<>(out, new NAdamState(t, product, ms, vs));
        }
    }

    /** t, Π_t = μ₁⋯μ_t, and the moments. */
    public record NAdamState(long count, double muProduct, List<Tensor> mu, List<Tensor> nu) implements OptState {
        public NAdamState {
            mu = OptState.tensors(mu);
            nu = OptState.tensors(nu);
        }
    }
}
