package org.panopt.tensor;

import java.util.Arrays;

/**
 * The extents of an N-d row-major tensor. Immutable; rank 0 is a scalar (one element).
 *
 * <p>Row-major means the last axis varies fastest: the element at index {@code (i0, …, i_{r-1})} lives
 * at {@code Σ i_d · stride(d)} with {@code stride(r-1) = 1}.
 */
public final class Shape {
    private static final Shape SCALAR = new Shape(new int[0]);

    private final int[] dims;
    private final int size;

    private Shape(int[] dims) {
        this.dims = dims;
        long n = 1;
        for (int d : dims) {
            n *= d;
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has more than 2^31 elements");
            }
        }
        this.size = (int) n;
    }

    /** A shape with the given extents; each must be ≥ 0. */
    public static Shape of(int... dims) {
        if (dims.length == 0) return SCALAR;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(dims) + ": extent " + dims[i] + " at axis " + i + " is negative");
            }
        }
        return new Shape(dims.clone());
    }

    public static Shape scalar() {
        return SCALAR;
    }

    public int rank() {
        return dims.length;
    }

    /** Extent of axis {@code axis}; negative axes count from the end, as in NumPy. */
    public int dim(int axis) {
        return dims[normalizeAxis(axis)];
    }

    /** Number of elements (1 for a scalar). */
    public int size() {
        return size;
    }

    public int[] dims() {
        return dims.clone();
    }

    /** Row-major strides in elements. */
    public int[] strides() {
        int[] s = new int[dims.length];
        int acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }

    /** Maps a possibly negative axis to {@code [0, rank)}, or throws naming the shape. */
    public int normalizeAxis(int axis) {
        int a = axis < 0 ? axis + dims.length : axis;
        if (a < 0 || a >= dims.length) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for shape " + this);
        }
        return a;
    }

    /** Product of the extents of axes {@code [from, to)}. */
    public int sizeOf(int from, int to) {
        int n = 1;
        for (int i = from; i < to; i++) n *= dims[i];
        return n;
    }

    /** This shape with the extent of {@code axis} replaced. */
    public Shape withDim(int axis, int extent) {
        int[] d = dims.clone();
        d[normalizeAxis(axis)] = extent;
        return of(d);
    }

    /** This shape with the leading axis dropped (the shape of {@code t.get(i)}). */
    public Shape dropFirst() {
        if (dims.length == 0) throw new IllegalArgumentException("a scalar shape has no leading axis");
        return of(Arrays.copyOfRange(dims, 1, dims.length));
    }

    /** NumPy broadcasting of two shapes, or an exception naming the op and both shapes. */
    public static Shape broadcast(String op, Shape a, Shape b) {
        int r = Math.max(a.rank(), b.rank());
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.rank() ? 1 : a.dims[i - (r - a.rank())];
            int db = i < r - b.rank() ? 1 : b.dims[i - (r - b.rank())];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + a + " and " + b
                        + " cannot be broadcast (axis " + i + " of the result: " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return new Shape(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
