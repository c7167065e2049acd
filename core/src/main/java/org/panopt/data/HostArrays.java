package org.panopt.data;

import org.panopt.backend.HostStorage;
import org.panopt.tensor.DType;
import org.panopt.tensor.Shape;
import org.panopt.tensor.Tensor;

/** Direct access to the Java arrays under CPU tensors, so data code copies rows without a detour. */
final class HostArrays {
    private HostArrays() {}

    /** A tensor's float32 elements: the array and the index of element 0 (the backing array itself when possible). */
    record Floats(float[] data, int offset) {}

    static Floats floats(Tensor t) {
        if (t.dtype() == DType.FLOAT32 && t.storage() instanceof HostStorage.Floats f) return new Floats(f.data(), t.offset());
        return new Floats(t.to(DType.FLOAT32).toFloatArray(), 0);
    }

    /** A float32 CPU tensor over {@code data} (no copy). */
    static Tensor wrap(float[] data, int... dims) {
        return new Tensor(new HostStorage.Floats(data), 0, Shape.of(dims));
    }

    /** A tensor of {@code t}'s dtype holding the rows {@code indices} of {@code t} (along axis 0), in that order. */
    static Tensor gatherRows(Tensor t, int[] indices) {
        int n = t.dim(0);
        int row = n == 0 ? 0 : t.size() / n;
        int[] dims = t.dims();
        dims[0] = indices.length;
        for (int k = 0; k < indices.length; k++) {
            if (indices[k] < 0 || indices[k] >= n) throw new IndexOutOfBoundsException("row " + indices[k] + " of " + n + " (position " + k + ")");
        }
        if (t.dtype() == DType.FLOAT64) {
            double[] src = t.storage() instanceof HostStorage.Doubles d ? d.data() : t.toDoubleArray();
            int base = t.storage() instanceof HostStorage.Doubles ? t.offset() : 0;
            double[] out = new double[indices.length * row];
            for (int k = 0; k < indices.length; k++) System.arraycopy(src, base + indices[k] * row, out, k * row, row);
            return new Tensor(new HostStorage.Doubles(out), 0, Shape.of(dims));
        }
        Floats src = floats(t);
        float[] out = new float[indices.length * row];
        for (int k = 0; k < indices.length; k++) System.arraycopy(src.data(), src.offset() + indices[k] * row, out, k * row, row);
        return wrap(out, dims);
    }
}
