package org.panopt.optim.averaging;

import java.util.List;
import org.panopt.tensor.Tensor;

/**
 * Polyak–Ruppert averaging: θ̄_n = (1/n) Σ_{k≤n} θ_k, computed as θ̄_n = θ̄_{n−1} + (θ_n − θ̄_{n−1})/n
 * (torch's {@code AveragedModel} default, as used by SWA). Start it late (call {@link #update()} only from
 * some epoch on) to average the tail of training.
 */
public final class PolyakAverage extends IterateAverage {

    public PolyakAverage(List<Tensor> params) {
        super(params);
    }

    @Override
    protected double weightOfNew(long averagedBefore) {
        return 1.0 / (averagedBefore + 1);
    }
}
