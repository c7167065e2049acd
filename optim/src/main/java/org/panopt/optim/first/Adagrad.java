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
 * Adagrad (Duchi, Hazan &amp; Singer 2011), as {@code torch.optim.Adagrad}:
 * <pre>
 *   g ← ∇L + λθ;   s ← s + g²   (s₀ = initial_accumulator_value)
 *   θ ← θ − η/(1 + (t − 1)·lr_decay) · g/(√s + ε)
 * </pre>
 * ε is added outside the root (PyTorch; optax's {@code scale_by_rss} adds it inside, to s). Defaults:
 * {@code lr} 1e-2, {@code lr_decay} 0, {@code weight_decay} 0, {@code initial_accumulator_value} 0,
 * {@code eps} 1e-10.
 */
public final class Adagrad {
    private Adagrad() {}

    public static Rule rule() {
        return new Rule("Adagrad", HyperParams.of("lr", 1e-2, "lr_decay", 0.0, "weight_decay", 0.0, "initial_accumulator_value", 0.0, "eps", 1e-10),
                h -> transformation(h.get("lr"), h.get("lr_decay"), h.get("weight_decay"), h.get("initial_accumulator_value"), h.get("eps")));
    }

    public static GradientTransformation<?> transformation(double lr, double lrDecay, double weightDecay, double initialAccumulator, double eps) {
        return Chain.of(new AddDecayedWeights(weightDecay), new ScaleByAdagrad(lrDecay, initialAccumulator, eps), Scale.byLearningRate(lr));
    }

    /** d = g/(√s + ε)/(1 + (t − 1)·lr_decay) with s the running sum of g². */
    public record ScaleByAdagrad(double lrDecay, double initialAccumulator, double eps) implements GradientTransformation<AdagradState> {
        public ScaleByAdagrad {
            Hyper.nonNegative("lr_decay", lrDecay);
            Hyper.nonNegative("initial_accumulator_value", initialAccumulator);
            Hyper.nonNegative("eps", eps);
        }

        @Override
        public AdagradState init(List<Tensor> params) {
            return new AdagradState(0, params.stream().map(p -> Tensor.full(initialAccumulator, p.dtype(), p.dims())).toList());
        }

        @Override
        public Update<AdagradState> update(List<Tensor> updates, AdagradState s, List<Tensor> params, StepContext context) {
            long t = s.count() + 1;
            double decay = 1 + (t - 1) * lrDecay;
            List<Tensor> out = new ArrayList<>(updates.size());
            List<Tensor> sums = new ArrayList<>(updates.size());
            for (int i = 0; i < updates.size(); i++) {
                Tensor g = updates.get(i);
                Tensor sum = s.sumOfSquares().get(i).add(g.square());
                out.add(g.div(sum.sqrt().add(eps)).div(decay));
                sums.add(sum);
            }
            return new Update<>(out, new AdagradState(t, sums));
        }
    }

    /** t and the accumulated squared gradients s. */
    public record AdagradState(long count, List<Tensor> sumOfSquares) implements OptState {
        public AdagradState {
            sumOfSquares = OptState.tensors(sumOfSquares);
        }
    }
}
