package org.panopt.optim.kfac;

import java.util.ArrayList;
import java.util.List;
import org.panopt.backend.HostStorage;
import org.panopt.kernels.DoubleMaps;
import org.panopt.kernels.Parallel;
import org.panopt.kernels.WidenedDot;
import org.panopt.tensor.DType;
import org.panopt.tensor.Shape;
import org.panopt.tensor.Tensor;

/**
 * Small helpers over lists of float64 tensors — K-FAC's directions (one homogeneous layer matrix per layer,
 * or one tensor per parameter) — and float64 copies that never alias a parameter's storage.
 */
final class Float64 {
    private Float64() {}

    /** A detached float64 copy of {@code t} that shares no storage with it. */
    static Tensor copyOf(Tensor t) {
        return copyOf(t, DType.FLOAT64);
    }

    /** A detached copy of {@code t} in {@code dtype} that shares no storage with it. */
    static Tensor copyOf(Tensor t, DType dtype) {
        Tensor d = t.detach();
        return d.dtype() == dtype ? d.copy() : d.to(dtype);
    }

    /**
     * The elements of a float64 tensor as a row-major array: its heap array itself when the tensor is a whole
     * contiguous heap tensor (read only!), else a copy.
     */
    static double[] heapDoubles(Tensor t) {
        if (t.offset() == 0 && t.storage() instanceof HostStorage.Doubles(double[] d) && d.length == t.size()) return d;
        return t.toDoubleArray();
    }

    /** A float64 tensor on the heap array {@code data} (taken over, not copied). */
    static Tensor wrap(double[] data, int... dims) {
        Shape s = Shape.of(dims);
        if (s.size() != data.length) throw new IllegalArgumentException("wrap: " + data.length + " values for shape " + s);
        return new Tensor(new HostStorage.Doubles(data), 0, s);
    }

    /** A float32 tensor on the heap array {@code data} (taken over, not copied). */
    static Tensor wrap(float[] data, int... dims) {
        Shape s = Shape.of(dims);
        if (s.size() != data.length) throw new IllegalArgumentException("wrap: " + data.length + " values for shape " + s);
        return new Tensor(new HostStorage.Floats(data), 0, s);
    }

    /** Σ_i ⟨a_i, b_i⟩ accumulated in double (whatever the tensors' dtypes). */
    static double dot(List<Tensor> a, List<Tensor> b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) s += dot(a.get(i), b.get(i));
        return s;
    }

    /**
     * ⟨a, b⟩ accumulated in double, reading heap storage in place when both have the same dtype: products of
     * float32 elements are formed in double (exact), summed by core's dot kernels (lanes added in a fixed order) over fixed chunks of
     * {@link #CHUNK} elements that the threads share; the chunks' sums are added in order, so the result does not
     * depend on the number of threads.
     */
    static double dot(Tensor a, Tensor b) {
        if (a.size() != b.size()) throw new IllegalArgumentException("dot: shapes " + a.shape() + " and " + b.shape() + " differ in size");
        int n = a.size();
        int ao = a.offset();
        int bo = b.offset();
        if (a.storage() instanceof HostStorage.Floats(float[] x) && b.storage() instanceof HostStorage.Floats(float[] y)) {
            return chunked(n, (from, len) -> WidenedDot.dot(x, ao + from, y, bo + from, len));
        }
        if (a.storage() instanceof HostStorage.Doubles(double[] x) && b.storage() instanceof HostStorage.Doubles(double[] y)) {
            return chunked(n, (from, len) -> DoubleMaps.dot(x, ao + from, y, bo + from, len));
        }
        double[] x = a.toDoubleArray();
        double[] y = b.toDoubleArray();
        return chunked(n, (from, len) -> DoubleMaps.dot(x, from, y, from, len));
    }

    /** Elements per task of the chunked reductions and maps. */
    static final int CHUNK = 1 << 15;

    private interface RangeSum {
        double sum(int from, int length);
    }

    private static double chunked(int n, RangeSum body) {
        int chunks = (n + CHUNK - 1) / CHUNK;
        if (chunks <= 1) return body.sum(0, n);
        double[] partial = new double[chunks];
        Parallel.forEach(chunks, c -> partial[c] = body.sum(c * CHUNK, Math.min(CHUNK, n - c * CHUNK)));
        double s = 0;
        for (double p : partial) s += p;
        return s;
    }

    /** α·a + β·b elementwise, in one pass (fresh tensors in a's dtype when a and b share it). */
    static List<Tensor> combine(double alpha, List<Tensor> a, double beta, List<Tensor> b) {
        List<Tensor> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) out.add(combine(alpha, a.get(i), beta, b.get(i)));
        return out;
    }

    static Tensor combine(double alpha, Tensor a, double beta, Tensor b) {
        if (a.size() != b.size()) throw new IllegalArgumentException("combine: shapes " + a.shape() + " and " + b.shape() + " differ in size");
        int n = a.size();
        int ao = a.offset();
        int bo = b.offset();
        int chunks = (n + CHUNK - 1) / CHUNK;
        if (a.storage() instanceof HostStorage.Floats(float[] x) && b.storage() instanceof HostStorage.Floats(float[] y)) {
            float[] out = new float[n];
            Parallel.forEach(chunks, c -> {
                for (int j = c * CHUNK, end = Math.min(n, j + CHUNK); j < end; j++) out[j] = (float) (alpha * x[ao + j] + beta * y[bo + j]);
            });
            return new Tensor(new HostStorage.Floats(out), 0, a.shape());
        }
        if (a.storage() instanceof HostStorage.Doubles(double[] x) && b.storage() instanceof HostStorage.Doubles(double[] y)) {
            double[] out = new double[n];
            Parallel.forEach(chunks, c -> {
                for (int j = c * CHUNK, end = Math.min(n, j + CHUNK); j < end; j++) out[j] = alpha * x[ao + j] + beta * y[bo + j];
            });
            return new Tensor(new HostStorage.Doubles(out), 0, a.shape());
        }
        return a.mul(alpha).add(b.mul(beta));
    }

    /** α·a elementwise. */
    static List<Tensor> scale(double alpha, List<Tensor> a) {
        List<Tensor> out = new ArrayList<>(a.size());
        for (Tensor t : a) out.add(t.mul(alpha));
        return out;
    }

    /** The elements of a float32 tensor as a row-major array: its heap array itself when whole and contiguous (read only!), else a copy. */
    static float[] heapFloats(Tensor t) {
        if (t.offset() == 0 && t.storage() instanceof HostStorage.Floats(float[] d) && d.length == t.size()) return d;
        return t.toFloatArray();
    }

    /** Whether every element of every tensor is finite. */
    static boolean allFinite(List<Tensor> ts) {
        for (Tensor t : ts) if (!DenseSymmetric.allFinite(t)) return false;
        return true;
    }
}
