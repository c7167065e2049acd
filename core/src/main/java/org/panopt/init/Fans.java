package org.panopt.init;

import org.panopt.tensor.Shape;

/**
 * Fan-in and fan-out of a weight tensor, as PyTorch computes them: {@code [out, in]} for a linear layer,
 * {@code [out, in, k…]} for a convolution (each scaled by the receptive field k·…), a vector counts as
 * its own fan both ways.
 */
public record Fans(int fanIn, int fanOut) {
    public static Fans of(Shape shape) {
        return switch (shape.rank()) {
            case 0 -> new Fans(1, 1);
            case 1 -> new Fans(shape.dim(0), shape.dim(0));
            default -> {
                int receptive = shape.sizeOf(2, shape.rank());
                yield new Fans(shape.dim(1) * receptive, shape.dim(0) * receptive);
            }
        };
    }
}
