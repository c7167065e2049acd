package org.panopt.optim.averaging;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.panopt.autograd.Autograd;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * An average of the iterates θ_1, θ_2, … of some parameters, kept beside them (torch's {@code AveragedModel},
 * optax's {@code ema}). Call {@link #update()} after each optimizer step; evaluate the averaged model with
 * {@link #withAveraged}, which swaps the averages in and puts the exact training values back.
 * Averages are accumulated in float64 whatever the parameters' dtype, so a long Polyak average does not
 * lose the late iterates to float32 rounding.
 */
public abstract sealed class IterateAverage permits PolyakAverage, ExponentialAverage {
    private final List<Tensor> params;
    private List<Tensor> averages;
    private long count;

    protected IterateAverage(List<Tensor> params) {
        if (params.isEmpty()) throw new IllegalArgumentException("IterateAverage: no parameters");
        this.params = List.copyOf(params);
    }

    /** The weight of the new iterate in the running average, given how many were averaged before it. */
    protected abstract double weightOfNew(long averagedBefore);

    /** Folds the parameters' current values into the average: θ̄ ← θ̄ + w·(θ − θ̄), the first update copies θ. */
    public final void update() {
        List<Tensor> current = Autograd.noGrad(() -> params.stream().map(p -> p.detach().to(DType.FLOAT64).copy()).toList());
        if (averages == null) {
            averages = current;
        } else {
            double w = weightOfNew(count);
            List<Tensor> next = new ArrayList<>(params.size());
            for (int i = 0; i < params.size(); i++) next.add(averages.get(i).add(current.get(i).sub(averages.get(i)).mul(w)));
            averages = next;
        }
        count++;
    }

    /** How many iterates have been folded in. */
    public final long count() {
        return count;
    }

    /** The averages (float64, one per parameter); empty before the first update. */
    public final List<Tensor> averages() {
        return averages == null ? List.of() : averages;
    }

    /** Runs {@code body} with the averages in the parameters (converted to their dtype); restores the exact values after. */
    public final <T> T withAveraged(Supplier<T> body) {
        if (averages == null) throw new IllegalStateException("withAveraged: no iterate has been averaged yet (call update() after a step)");
        List<Tensor> saved = Autograd.noGrad(() -> params.stream().map(p -> p.detach().copy()).toList());
        try {
            Autograd.noGrad(() -> {
                for (int i = 0; i < params.size(); i++) params.get(i).copyFrom(averages.get(i));
            });
            return body.get();
        } finally {
            Autograd.noGrad(() -> {
                for (int i = 0; i < params.size(); i++) params.get(i).copyFrom(saved.get(i));
            });
        }
    }

    /** Writes the averages into the parameters for good (e.g. at the end of training). */
    public final void copyToParameters() {
        if (averages == null) throw new IllegalStateException("copyToParameters: no iterate has been averaged yet");
        Autograd.noGrad(() -> {
            for (int i = 0; i < params.size(); i++) params.get(i).copyFrom(averages.get(i));
        });
    }
}
