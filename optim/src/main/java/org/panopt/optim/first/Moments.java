package org.panopt.optim.first;

import org.panopt.tensor.Tensor;

/** The running averages the adaptive methods share. */
final class Moments {
    private Moments() {}

    /** β·old + (1 − β)·x: an exponential moving average (PyTorch's {@code lerp_(x, 1 − β)}). */
    static Tensor ema(Tensor old, Tensor x, double beta) {
        return old.mul(beta).add(x.mul(1 - beta));
    }
}
