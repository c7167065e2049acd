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
 * RMSProp (Tieleman &amp; Hinton 2012; centered form of Graves 2013), as {@code torch.optim.RMSprop}:
 * <pre>
 *   g ← ∇L + λθ
 *   v ← αv + (1 − α)g²
 *   ḡ ← αḡ + (1 − α)g,  d = g/(√(v − ḡ²) + ε)     (centered)   or   d = g/(√v + ε)
 *   b ← μb + d,  θ ← θ − ηb                      (momentum μ &gt; 0; b₀ = 0)   or   θ ← θ − ηd
 * </pre>
 * ε is added outside the root (PyTorch; TensorFlow and optax put it inside). Defaults: {@code lr} 1e-2,
 * {@code alpha} 0.99, {@code eps} 1e-8, {@code weight_decay} 0, {@code momentum} 0, {@code centered} false.
 * With b₀ = 0 the momentum buffer's first value is d itself, so it is a {@link Trace} without dampening.
 */
public final class RmsProp {
    private RmsProp() {}

    public static Rule rule() {
        return new Rule("RMSprop", HyperParams.of("lr", 1e-2, "alpha", 0.99, "eps", 1e-8, "weight_decay", 0.0, "momentum", 0.0, "centered", false),
                h -> transformation(h.get("lr"), h.get("alpha"), h.get("eps"), h.get("weight_decay"), h.get("momentum"), h.flag("centered")));
    }

    public static GradientTransformation<?> transformation(double lr, double alpha, double eps, double weightDecay, double momentum, boolean centered) {
        return Chain.of(new AddDecayedWeights(weightDecay), new ScaleByRms(alpha, eps, centered), new Trace(momentum, 0, false), Scale.byLearningRate(lr));
    }

    /** d = g/(√v + ε), or g/(√(v − ḡ²) + ε) when centered. */
    public record ScaleByRms(double alpha, double eps, boolean centered) implements GradientTransformation<RmsState> {
        public ScaleByRms {
            Hyper.closedUnitInterval("alpha", alpha);
            Hyper.nonNegative("eps", eps);
        }

        @Override
        public RmsState init(List<Tensor> params) {
            return new RmsState(OptState.zerosLike(params), OptState.zerosLike(params));
        }

        @Override
        public Update<RmsState> update(List<Tensor> updates, RmsState s, List<Tensor> params, StepContext context) {
            List<Tensor> out = new ArrayList<>(updates.size());
            List<Tensor> sq = new ArrayList<>(updates.size());
            List<Tensor> avg = new ArrayList<>(updates.size());
            for (int i = 0; i < updates.size(); i++) {
                Tensor g = updates.get(i);
                Tensor v = Moments.ema(s.squareAvg().get(i), g.square(), alpha);
                Tensor mean = centered ? Moments.ema(s.gradAvg().get(i), g, alpha) : s.gradAvg().get(i);
                Tensor root = (centered ? v.sub(mean.square()) : v).sqrt();
                out.add(g.div(root.add(eps)));
                sq.add(v);
                avg.add(mean);
            }
            return new Update<>(out, new RmsState(sq, avg));
        }
    }

    /** v and (centered) ḡ; ḡ stays zero when not centered. */
    public record RmsState(List<Tensor> squareAvg, List<Tensor> gradAvg) implements OptState {
        public RmsState {
            squareAvg = OptState.tensors(squareAvg);
            gradAvg = OptState.tensors(gradAvg);
        }
    }
}
