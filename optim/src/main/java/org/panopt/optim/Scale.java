package org.panopt.optim;

import java.util.ArrayList;
import java.util.List;
import org.panopt.tensor.Tensor;

/**
 * u ← s·u (optax's {@code scale}). {@link #byLearningRate}(η) is s = −η: the last link of a descent chain,
 * turning a direction into the step that is added to the parameters.
 */
public record Scale(double factor) implements GradientTransformation<OptState.Empty> {

    /** s = −η, checked: η must be finite and ≥ 0. */
    public static Scale byLearningRate(double lr) {
        Hyper.checkLearningRate(lr);
        return new Scale(-lr);
    }

    @Override
    public OptState.Empty init(List<Tensor> params) {
        return OptState.Empty.INSTANCE;
    }

    @Override
    public Update<OptState.Empty> update(List<Tensor> updates, OptState.Empty state, List<Tensor> params, StepContext context) {
        List<Tensor> out = new ArrayList<>(updates.size());
        for (Tensor u : updates) out.add(u.mul(factor));
        return new Update<>(out, state);
    }
}
