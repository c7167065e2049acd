package org.panopt.optim.scaled;

/**
 * The two scalars of one block (spec A.9): m_{b,W}, how the local Hessian in the weights scales a vector,
 * and m_{b,z}, how the local Hessian in the block's input does.
 */
public record BlockScalars(double weightScale, double inputScale) {
    public BlockScalars {
        if (!(weightScale > 0) || !(inputScale > 0) || Double.isInfinite(weightScale) || Double.isInfinite(inputScale)) {
            throw new IllegalArgumentException("block scalars must be finite and positive, got m_W = " + weightScale + ", m_z = " + inputScale
                    + " (an all-zero weight has no scale)");
        }
    }

    /** m_W = m_z = 1: the amendment leaves the gradient alone. */
    public static final BlockScalars ONE = new BlockScalars(1, 1);
}
