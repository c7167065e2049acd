package org.panopt.nn;

import java.util.SplittableRandom;
import org.panopt.tensor.Tensor;

/**
 * Inverted dropout: in training, z' = z·m/(1 − p) with m ~ Bernoulli(1 − p) per element, so the expected
 * activation is unchanged and evaluation is the identity. Masks come from the layer's own seeded
 * generator, so a run is reproducible.
 */
public class Dropout extends Module {
    private final double p;
    private final SplittableRandom rng;

    public Dropout(double p, SplittableRandom rng) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("Dropout: p " + p + " must be in [0, 1)");
        this.p = p;
        this.rng = rng;
    }

    @Override
    protected Tensor compute(Tensor x) {
        if (!isTraining() || p == 0) return x;
        Tensor mask = Tensor.rand(rng, 0, 1, x.dtype(), x.dims()).to(x.device()).ge(p).mul(1 / (1 - p));
        return x.mul(mask);
    }

    public double p() {
        return p;
    }

    @Override
    protected String describe() {
        return "Dropout(" + p + ")";
    }
}
