package org.panopt.optim.first;

import java.util.ArrayList;
import java.util.List;
import org.panopt.optim.GradientTransformation;
import org.panopt.optim.Hyper;
import org.panopt.optim.OptState;
import org.panopt.optim.StepContext;
import org.panopt.tensor.Tensor;

/**
 * u ← u + λ·θ (optax's {@code add_decayed_weights}). Where it sits in a chain decides what kind of weight
 * decay it is:
 * <ul>
 * <li>first, on the raw gradient: <b>coupled</b> L2 regularization — the gradient of (λ/2)‖θ‖² joins the
 *     loss's gradient and then passes through momentum and adaptive scaling (torch's {@code weight_decay}
 *     in SGD, Adam, Adagrad, RMSProp …);</li>
 * <li>after the adaptive scaling, right before −η: <b>decoupled</b> weight decay (Loshchilov &amp; Hutter),
 *     θ ← θ − ηλθ − η·d, as AdamW. For plain SGD the two coincide.</li>
 * </ul>
 */
public record AddDecayedWeights(double weightDecay) implements GradientTransformation<OptState.Empty> {

    public AddDecayedWeights {
        Hyper.nonNegative("weight_decay", weightDecay);
    }

    @Override
    public OptState.Empty init(List<Tensor> params) {
        return OptState.Empty.INSTANCE;
    }

    @Override
    public Update<OptState.Empty> update(List<Tensor> updates, OptState.Empty state, List<Tensor> params, StepContext context) {
        if (weightDecay == 0) return new Update<>(updates, state);
        List<Tensor> out = new ArrayList<>(updates.size());
        for (int i = 0; i < updates.size(); i++) out.add(updates.get(i).add(params.get(i).detach().mul(weightDecay)));
        return new Update<>(out, state);
    }
}
