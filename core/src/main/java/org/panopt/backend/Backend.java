package org.panopt.backend;

import org.panopt.kernels.BinaryOp;
import org.panopt.kernels.ReduceOp;
import org.panopt.kernels.UnaryOp;
import org.panopt.tensor.DType;
import org.panopt.tensor.Device;
import org.panopt.tensor.Tensor;

/**
 * Where tensor storage lives and which kernels run on it. {@link Tensor} validates shapes, works out
 * result shapes and allocates results; a backend only computes. Every tensor handed to a backend lives
 * on {@link #device()}; tensors are contiguous row-major views {@code (storage, offset, shape)}.
 *
 * <p>Backends are found through {@link BackendProvider} and {@link java.util.ServiceLoader}:
 * {@link CpuBackend} is built in; the {@code gpu} module adds CUDA. The methods are the primitive set
 * the tensor API is written in — a new backend implements these and every tensor op works on it.
 */
public interface Backend {

    Device device();

    /** Zero-filled storage of {@code size} elements. */
    Storage allocate(DType dtype, int size);

    /** Storage holding a copy of {@code data}. */
    Storage fromHost(float[] data);

    /** Storage holding a copy of {@code data}. */
    Storage fromHost(double[] data);

    /** Copies {@code t} into {@code dst} (length {@code t.size()}), converting to float. */
    void toHost(Tensor t, float[] dst);

    /** Copies {@code t} into {@code dst} (length {@code t.size()}), converting to double. */
    void toHost(Tensor t, double[] dst);

    /** Sets every element of {@code out} to {@code value}. */
    void fill(Tensor out, double value);

    /** Copies {@code src} into {@code dst} element by element (same size), converting the dtype if they differ. */
    void copy(Tensor src, Tensor dst);

    /** out = op(x), where x's shape broadcasts to out's; same dtype. */
    void unary(UnaryOp op, Tensor x, Tensor out);

    /** out = op(a, b), where a's and b's shapes broadcast to out's; same dtype. */
    void binary(BinaryOp op, Tensor a, Tensor b, Tensor out);

    /** out = cond ≠ 0 ? a : b, all three broadcast to out's shape; same dtype. */
    void where(Tensor cond, Tensor a, Tensor b, Tensor out);

    /**
     * Reduces axes {@code [from, to)} of x: viewing x as {@code [outer, r, inner]}, out (size
     * {@code outer·inner}) gets op over the r axis. r = 0 gives the op's identity.
     */
    void reduce(ReduceOp op, Tensor x, int from, int to, Tensor out);

    /** Index (as a float value) of the first maximum (MAX) or minimum (MIN) along {@code axis}; NaN wins. */
    void argReduce(ReduceOp op, Tensor x, int axis, Tensor out);

    /** Softmax (or log-softmax) along {@code axis}, numerically stable. */
    void softmax(Tensor x, int axis, boolean log, Tensor out);

    /** log Σ exp along {@code axis} (out has that axis removed), numerically stable. */
    void logSumExp(Tensor x, int axis, Tensor out);

    /**
     * Batched matrix product out[i] = op(a[i])·op(b[i]) over 3-d views: a is {@code [Ba, ·, ·]}, b is
     * {@code [Bb, ·, ·]}, out is {@code [B, m, n]}, with Ba and Bb each B or 1 (1 = the same matrix for
     * every batch entry). op transposes the stored matrix when the flag is set.
     */
    void matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor out);

    /** out = x with its axes permuted: out axis i is x axis {@code perm[i]}. */
    void permute(Tensor x, int[] perm, Tensor out);

    /**
     * Copies {@code count} blocks of {@code block} elements: block j goes from {@code src} at
     * {@code srcStart + j·srcStride} to {@code dst} at {@code dstStart + j·dstStride} (positions
     * relative to each tensor's first element). The data movement under concat, stack and narrow.
     */
    void copyBlocks(Tensor src, int srcStart, int srcStride, Tensor dst, int dstStart, int dstStride, int block, int count);
}
