package org.panopt.optim.averaging;

import java.util.List;
import org.panopt.optim.Hyper;
import org.panopt.tensor.Tensor;

/**
 * Exponential moving average of the iterates: θ̄ ← d·θ̄ + (1 − d)·θ, started from the first iterate (torch's
 * {@code AveragedModel} with {@code get_ema_multi_avg_fn(d)}). optax's {@code ema} starts from zero and
 * offers a debiasing division instead; starting from θ₁ needs none.
 */
public final class ExponentialAverage extends IterateAverage {
    private final double decay;

    public ExponentialAverage(List<Tensor> params, double decay) {
        super(params);
        this.decay = Hyper.unitInterval("decay", decay);
    }

    public double decay() {
        return decay;
    }

    @Override
    protected double weightOfNew(long averagedBefore) {
        return 1 - decay;
    }
}
