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
 * Adadelta (Zeiler 2012), as {@code torch.optim.Adadelta}:
 * <pre>
 *   g ← ∇L + λθ
 *   E[g²] ← ρE[g²] + (1 − ρ)g²
 *   Δ = √(E[Δ²] + ε) / √(E[g²] + ε) · g        (ε inside both roots)
 *   E[Δ²] ← ρE[Δ²] + (1 − ρ)Δ²
 *   θ ← θ − ηΔ                                  (η = 1 in the paper)
 * </pre>
 * Defaults: {@code lr} 1.0, {@code rho} 0.9, {@code eps} 1e-6, {@code weight_decay} 0.
 */
public final class Adadelta {
    private Adadelta() {}

    public static Rule rule() {
        return new Rule("Adadelta", HyperParams.of("lr", 1.0, "rho", 0.9, "eps", 1e-6, "weight_decay", 0.0),
                h -> transformation(h.get("lr"), h.get("rho"), h.get("eps"), h.get("weight_decay")));
    }

    public static GradientTransformation<?> transformation(double lr, double rho, double eps, double weightDecay) {
        return Chain.of(new AddDecayedWeights(weightDecay), new ScaleByAdadelta(rho, eps), Scale.byLearningRate(lr));
    }

    /** Δ = √(E[Δ²] + ε)/√(E[g²] + ε)·g, with both running averages updated. */
    public record ScaleByAdadelta(double rho, double eps) implements GradientTransformation<AdadeltaState> {
        public ScaleByAdadelta {
            Hyper.closedUnitInterval("rho", rho);
            Hyper.nonNegative("eps", eps);
        }

        @Override
        public AdadeltaState init(List<Tensor> params) {
            return new AdadeltaState(OptState.zerosLike(params), OptState.zerosLike(params));
        }

        @Override
        public Update<AdadeltaState> update(List<Tensor> updates, AdadeltaState s, List<Tensor> params, StepContext context) {
            List<Tensor> out = new ArrayList<>(updates.size());
            List<Tensor> sq = new ArrayList<>(updates.size());
            List<Tensor> acc = new ArrayList<>(updates.size());
            for (int i = 0; i < updates.size(); i++) {
                Tensor g = updates.get(i);
                Tensor avg = Moments.ema(s.squareAvg().get(i), g.square(), rho);
                Tensor delta = s.accDelta().get(i).add(eps).sqrt().div(avg.add(eps).sqrt()).mul(g);
                out.add(delta);
                sq.add(avg);
                acc.add(Moments.ema(s.accDelta().get(i), delta.square(), rho));
            }
            return new Update<>(out, new AdadeltaState(sq, acc));
        }
    }

    /** E[g²] and E[Δ²]. */
    public record AdadeltaState(List<Tensor> squareAvg, List<Tensor> accDelta) implements OptState {
        public AdadeltaState {
            squareAvg = OptState.tensors(squareAvg);
            accDelta = OptState.tensors(accDelta);
        }
    }
}
