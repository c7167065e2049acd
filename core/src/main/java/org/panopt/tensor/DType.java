package org.panopt.tensor;

/**
 * Element types of a tensor. {@link #FLOAT32} is the default and what training uses; {@link #FLOAT64}
 * serves gradient checks and curvature analysis, where float32 rounding would drown the signal.
 */
public enum DType {
    FLOAT32(4),
    FLOAT64(8);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** The wider of two dtypes: the result type of a binary op over mixed inputs. */
    public static DType promote(DType a, DType b) {
        return a == FLOAT64 || b == FLOAT64 ? FLOAT64 : FLOAT32;
    }
}
