package org.panopt.nn;

import org.panopt.tensor.Tensor;

/** {@code [N, …]} → {@code [N, rest]}: keeps the batch axis, flattens the others (a view). */
public class Flatten extends Module {
    @Override
    protected Tensor compute(Tensor x) {
        if (x.rank() == 0) throw new IllegalArgumentException("Flatten: a scalar has no batch axis");
        return x.reshape(x.dim(0), -1);
    }
}
